import { join, resolve } from 'node:path';
import { barFileSpec, createLogger, discoverServers, loadConfig, OpenApiClient, PushClient, resolveConfigPath, type Logger, type OpenApiConfig } from '@pounce/core';
import { defaultDataFiles, loadBarFiles, syntheticBars, type Gateway } from '@pounce/gateway';
import { DEFAULT_STARTING_CASH, tieredFees } from '@pounce/matching';
import { OpenApiVenue, type RunVenueModel } from '@pounce/runtime';
import { startEmbeddedVenue } from './embeddedVenue.ts';
import type { LockstepReplay } from './LockstepReplay.ts';

export class VenueSelectionError extends Error {
  override readonly name = 'VenueSelectionError';
}

export interface VenueRequest {
  mode: 'paper' | 'live';
  /** Config file/folder; when none is found, paper mode uses the embedded gateway. */
  configPath?: string;
  /** Use the embedded gateway even if a config exists. */
  embedded?: boolean;
  /** Paper account to use instead of the config's. */
  account?: string;
  /** Must equal the live account for `--live`. */
  confirmLive?: string;
  /** Asks the user to type the account number (a TTY prompt); absent in non-interactive runs. */
  promptLive?: (account: string) => Promise<string>;
  symbols: readonly string[];
  /** Embedded gateway: data files, synthetic market, pace, state folder, resume. */
  gateway?: { dataFiles?: string[]; synthetic?: { symbols: string[]; bars: number; seed: number }; speed?: number | 'max'; stateDir: string; resume?: boolean };
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /**
   * Take the quote permission at start-up (default true, as the python/java SDKs; also off with
   * grab_quote_permission=false in the config). `--no-grab-permission` sets false.
   */
  grabPermission?: boolean;
}

export interface OpenedVenue {
  venue: OpenApiVenue;
  description: string;
  gateway: Gateway | undefined;
  /**
   * The embedded gateway's replay, in lockstep with this venue's client: start it once the
   * strategy runs; it resolves when the data has run out. Absent for a real account.
   */
  replay: LockstepReplay | undefined;
  /** The embedded gateway's fill model and data, for the run journal (replay-check replays them). */
  model: RunVenueModel | undefined;
  /** The venue's clients, for what only they know (the rate limiter's tokens, push times: the metrics). */
  api: OpenApiClient;
  push: PushClient;
}

/**
 * Clients for a real account, set up as the official SDKs do at start-up: servers discovered
 * (license, domain garden, cache, static fallback), the quote permission taken for this device
 * unless told not to, and the TBHK token refreshed on the SDK's schedule.
 */
async function clientsFor(loaded: OpenApiConfig, logger: Logger, grab: boolean): Promise<{ api: OpenApiClient; push: PushClient; cfg: OpenApiConfig }> {
  const { cfg, routing } = await discoverServers(loaded, { logger });
  logger.info('servers', { license: routing.license ?? 'unknown', licenseFrom: routing.licenseFrom, serversFrom: routing.serversFrom, http: cfg.serverUrl, quotes: cfg.quoteServerUrl ?? cfg.serverUrl, push: `${cfg.push.host}:${cfg.push.port}` });
  const api = OpenApiClient.fromConfig(cfg, { logger });
  const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, tls: cfg.push.tls, caPem: cfg.push.caPem, certSha256: cfg.push.certSha256, insecure: cfg.push.insecure, logger });
  if (grab && cfg.grabQuotePermission) {
    try {
      const held = await api.grabQuotePermission();
      logger.info('quote permission taken for this device', { deviceId: cfg.deviceId, permissions: held.map((p) => p.name) });
    } catch (err) {
      logger.warn('could not take the quote permission; quote calls may be refused', { error: (err as Error).message });
    }
  }
  api.startTokenRefresh();
  return { api, push, cfg };
}

/**
 * Picks the venue for a run, enforcing the safety rules: the default is paper; live needs a live
 * (prime) account in the config AND an explicit confirmation naming it; a paper run refuses a
 * live account. The strategy never sees this choice and cannot change it.
 */
export async function openVenue(r: VenueRequest): Promise<OpenedVenue> {
  const log = r.logger ?? createLogger({ scope: 'venue' });
  const path = r.embedded ? undefined : resolveConfigPath(r.configPath, r.env ?? process.env);
  if (r.mode === 'live') {
    if (r.embedded) throw new VenueSelectionError('--live cannot use the embedded gateway: it is a paper venue');
    if (!path) throw new VenueSelectionError('--live needs tiger_openapi_config.properties with a live account (pass --config FILE); none was found');
    const cfg = loadConfig({ path, env: r.env ?? process.env });
    if (cfg.accountKind === 'paper') throw new VenueSelectionError(`account ${cfg.account} in ${path} is a paper account; --live needs a live (prime) account. Use --paper for paper trading`);
    if (r.account && r.account !== cfg.account) throw new VenueSelectionError('--account cannot change the live account; live trading uses the account in the config only');
    let confirmed = r.confirmLive;
    if (confirmed === undefined && r.promptLive) confirmed = (await r.promptLive(cfg.account)).trim();
    if (confirmed === undefined) throw new VenueSelectionError(`live trading on account ${cfg.account} needs explicit confirmation: add --confirm-live ${cfg.account}`);
    if (confirmed !== cfg.account) throw new VenueSelectionError(`live confirmation "${confirmed}" does not match the config's account; nothing was sent`);
    const { api, push, cfg: routed } = await clientsFor(cfg, log, r.grabPermission !== false);
    return { venue: new OpenApiVenue('live', api, push, r.symbols), description: `LIVE account ${cfg.account} at ${routed.serverUrl}`, gateway: undefined, replay: undefined, model: undefined, api, push };
  }
  if (path) {
    const cfg = loadConfig({ path, env: r.env ?? process.env, overrides: r.account ? { account: r.account } : {} });
    if (cfg.accountKind !== 'paper') {
      throw new VenueSelectionError(`account ${cfg.account} in ${path} is a live account; --paper needs a paper (17-digit) account. Pass --account <paper account>, or --embedded for the local gateway`);
    }
    const { api, push, cfg: routed } = await clientsFor(cfg, log, r.grabPermission !== false);
    return { venue: new OpenApiVenue('paper', api, push, r.symbols), description: `paper account ${cfg.account} at ${routed.serverUrl}`, gateway: undefined, replay: undefined, model: undefined, api, push };
  }
  if (r.account) throw new VenueSelectionError('--account needs a config file; the embedded gateway has its own paper account');
  const g = r.gateway ?? { stateDir: join('.pounce', 'gateway') };
  const dataFiles = g.synthetic ? undefined : (g.dataFiles ?? defaultDataFiles(r.symbols)).map(absoluteSpec);
  const bars = g.synthetic ? syntheticBars(g.synthetic) : loadBarFiles(dataFiles!);
  const missing = r.symbols.filter((s) => !bars.some((b) => b.symbol === s));
  if (missing.length) throw new VenueSelectionError(`no market data for ${missing.join(', ')} in the embedded gateway; pass --data SYMBOL=file.csv`);
  const model: RunVenueModel = { fees: 'tradeup', participation: 0.1, slippageBps: 0, cash: DEFAULT_STARTING_CASH, data: dataFiles, synthetic: g.synthetic };
  const { venue, gateway, replay, api, push } = await startEmbeddedVenue({
    bars, symbols: r.symbols, stateDir: g.stateDir, speed: g.speed ?? 20, resume: g.resume ?? false,
    matching: { fees: tieredFees(), participation: model.participation, initialCash: model.cash, slippageBps: model.slippageBps, allowShort: true }, logger: log,
  });
  return { venue, description: `embedded local gateway (paper account ${venue.account}, ${gateway.httpUrl})`, gateway, replay, model, api, push };
}

/** `SYMBOL=path` with the path made absolute, so a replay finds the file from any folder. */
function absoluteSpec(spec: string): string {
  const { symbol, path } = barFileSpec(spec);
  return `${symbol}=${resolve(path)}`;
}
