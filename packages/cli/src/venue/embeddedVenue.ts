import { loadConfig, OpenApiClient, PushClient, type Logger } from '@pounce/core';
import { Gateway } from '@pounce/gateway';
import type { MarketBar, MatchingConfig } from '@pounce/matching';
import { OpenApiVenue } from '@pounce/runtime';
import { LockstepReplay } from './LockstepReplay.ts';

export interface EmbeddedVenueOptions {
  bars: readonly MarketBar[];
  symbols: readonly string[];
  stateDir: string;
  matching: MatchingConfig;
  /** Steps per second at most, or `max`. Fills do not depend on it (lockstep). */
  speed: number | 'max';
  resume?: boolean;
  /** Wall time a replay step waits for a client that has not caught up (LockstepReplay's stallMs). */
  stallMs?: number;
  logger?: Logger;
}

export interface EmbeddedVenue {
  venue: OpenApiVenue;
  gateway: Gateway;
  /** Start it once the strategy runs; it resolves when the data has run out. */
  replay: LockstepReplay;
  api: OpenApiClient;
  push: PushClient;
}

/**
 * The in-process local gateway and a client venue over real signed HTTP and TLS push, with the
 * replay in lockstep with that client: the client's rate limiter counts replay time, and the
 * replay waits for the client, so results are the same at every speed.
 *
 * @example
 * ```ts
 * const { venue, replay } = await startEmbeddedVenue({ bars, symbols: ['NVDA'], stateDir, matching: {}, speed: 'max' });
 * const run = await TradingEngine.start({ def, venue, runDir });
 * await replay.start();
 * await run.stop();
 * ```
 */
export async function startEmbeddedVenue(o: EmbeddedVenueOptions): Promise<EmbeddedVenue> {
  const gateway = await Gateway.start({ stateDir: o.stateDir, bars: o.bars, speed: 'manual', resume: o.resume ?? false, matching: o.matching, logger: o.logger });
  const cfg = loadConfig({ path: gateway.clientConfigPath, env: {} });
  const api = OpenApiClient.fromConfig(cfg, { logger: o.logger, rateClock: gateway.clock });
  const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, tls: cfg.push.tls, caPem: cfg.push.caPem, logger: o.logger });
  const caughtUp = () => {
    const d = push.delivery;
    return d.connected && d.awaitingAcks === 0 && api.http.activeCalls === 0 && d.framesRead >= gateway.pushFramesSentTo(cfg.tigerId);
  };
  const replay = new LockstepReplay(gateway, caughtUp, { speed: o.speed, stallMs: o.stallMs, logger: o.logger });
  const venue = new OpenApiVenue('embedded-paper', api, push, o.symbols, gateway.clock, () => {
    replay.stop();
    return gateway.stop();
  }, gateway.dataTimeframe.kind === 'session' ? '1d' : undefined);
  return { venue, gateway, replay, api, push };
}
