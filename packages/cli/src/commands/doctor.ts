import { lookup } from 'node:dns/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import {
  certificateNames, discoverServers, isLoopbackHost, loadConfig, OpenApiClient, perMinuteLimit, PushClient, QuotePermissionError, readServerCertificate,
  type CertificateNames, type OpenApiConfig,
} from '@pounce/core';
import { TigerIdLock } from '@pounce/runtime';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';

/** One line of the doctor's table. */
export interface DoctorCheck {
  status: 'OK' | 'WARN' | 'FAIL';
  name: string;
  detail: string;
  /** What to do about a WARN or FAIL. */
  fix?: string;
}

export interface DoctorOptions {
  config?: string;
  /** Take the quote permission (otherwise only reported). */
  grab?: boolean;
  /** Symbol for the quote, kline and push checks. */
  symbol?: string;
  /** How long the push subscription listens (seconds). */
  pushSeconds?: number;
  /** Folder holding run folders (their LOCK files say a Pounce process is running). */
  runsDir?: string;
  /** Folder of the discovery cache (default ~/.tigeropen). */
  routeCacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

const ms = (e: unknown) => (e as Error).message;

/** Connects with TLS the way `rejectUnauthorized` would, returning the certificate or the refusal. */
function httpsCertificate(host: string, port: number): Promise<{ cert?: CertificateNames; error?: string }> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host, port, servername: host, rejectUnauthorized: true });
    const timer = setTimeout(() => { s.destroy(); resolve({ error: 'no TLS handshake within 5 s' }); }, 5000);
    s.once('secureConnect', () => { clearTimeout(timer); const cert = certificateNames(s.getPeerCertificate()); s.destroy(); resolve({ cert }); });
    s.once('error', (e) => { clearTimeout(timer); resolve({ error: ms(e) }); });
  });
}

/** Live LOCK files under the runs folder: a running Pounce process that may hold this tiger_id's push. */
function liveRunLocks(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  const held: string[] = [];
  for (const name of readdirSync(runsDir)) {
    const lock = join(runsDir, name, 'LOCK');
    if (!existsSync(lock)) continue;
    const pid = Number(readFileSync(lock, 'utf8').trim());
    try {
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        process.kill(pid, 0);
        held.push(`${join(runsDir, name)} (pid ${pid})`);
      }
    } catch {
      /* a stale lock: its process is gone */
    }
  }
  return held;
}

/**
 * Read-only checks of a real account's setup, each OK / WARN / FAIL with its fix. Never places an
 * order and never prints key material; takes the quote permission only with `grab`; opens the
 * push stream only when no Pounce run is live (a second connection of the tiger_id kicks the first off).
 *
 * @example
 * ```ts
 * const checks = await runDoctor({ config: 'tiger_openapi_config.properties' });
 * checks.filter((c) => c.status === 'FAIL');
 * ```
 */
export async function runDoctor(o: DoctorOptions): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const add = (c: DoctorCheck) => out.push(c);
  let loaded: OpenApiConfig;
  try {
    loaded = loadConfig({ path: o.config, env: o.env ?? process.env });
  } catch (err) {
    add({ status: 'FAIL', name: 'config', detail: ms(err), fix: 'Correct the field named above; see docs/config.md' });
    return out;
  }
  add({ status: 'OK', name: 'config', detail: `tiger_id ${loaded.tigerId}, account ${loaded.account} (${loaded.accountKind}), key ${loaded.keySource.field} ${loaded.keySource.encoding} ${loaded.keySource.bits} bits, env ${loaded.env}, device_id ${loaded.deviceId ?? 'none'}` });
  for (const w of loaded.warnings) add({ status: 'WARN', name: 'config', detail: w, fix: 'See the advice in the warning' });
  if (loaded.token) {
    const left = loaded.token.expiresAt - Date.now();
    const when = new Date(loaded.token.expiresAt).toISOString();
    if (left <= 0) add({ status: 'FAIL', name: 'TBHK token', detail: `expired at ${when}`, fix: 'Download a new tiger_openapi_token.properties from the developer portal into the config folder' });
    else if (left < 7 * 86_400_000) add({ status: 'WARN', name: 'TBHK token', detail: `expires ${when}`, fix: 'Set token_refresh_duration (e.g. 432000) so runs refresh it, or download a new token file' });
    else add({ status: 'OK', name: 'TBHK token', detail: `expires ${when}; refresh ${loaded.tokenRefreshSeconds ? `after ${loaded.tokenRefreshSeconds} s` : 'off (token_refresh_duration=0)'}` });
  }

  const { cfg, routing } = await discoverServers(loaded, { cacheDir: o.routeCacheDir });
  add({
    status: routing.serversFrom === 'static' || (routing.license === undefined) ? 'WARN' : 'OK', name: 'license and routing',
    detail: `license ${routing.license ?? 'unknown'} (from ${routing.licenseFrom}), servers from ${routing.serversFrom}: trade ${cfg.serverUrl}, quotes ${cfg.quoteServerUrl ?? cfg.serverUrl}, push ${cfg.push.host}:${cfg.push.port}${routing.note ? `; ${routing.note}` : ''}`,
    fix: routing.license === undefined ? 'Add license=<TBSG|TBNZ|TBHK|TBUS...> to the config' : routing.serversFrom === 'static' ? 'Discovery failed; the static URLs are used (as the SDKs do). Check network access to the domain garden, or set server_url' : undefined,
  });

  const url = new URL(cfg.serverUrl);
  for (const [what, host] of [['DNS (HTTP)', url.hostname], ['DNS (push)', cfg.push.host]] as const) {
    try {
      const a = await lookup(host);
      add({ status: 'OK', name: what, detail: `${host} → ${a.address}` });
    } catch (err) {
      add({ status: 'FAIL', name: what, detail: `${host}: ${ms(err)}`, fix: 'Check the host name (server_url / socket_host_port) and this machine\'s DNS' });
    }
  }
  if (url.protocol === 'https:') {
    const r = await httpsCertificate(url.hostname, Number(url.port || 443));
    add(r.cert
      ? { status: 'OK', name: 'TLS (HTTP)', detail: `${url.host}: ${r.cert.subject}, names [${r.cert.altNames.join(', ')}]` }
      : { status: 'FAIL', name: 'TLS (HTTP)', detail: `${url.host}: ${r.error}`, fix: 'Check server_url and the system CA store (corporate proxies replace certificates)' });
  } else add({ status: isLoopbackHost(url.hostname) ? 'OK' : 'FAIL', name: 'TLS (HTTP)', detail: `${url.host}: plain http${isLoopbackHost(url.hostname) ? ' on loopback (local gateway)' : ''}` });

  if (cfg.push.tls) {
    const seen = await readServerCertificate(cfg.push.host, cfg.push.port);
    const names = seen ? `${seen.subject}, names [${seen.altNames.join(', ')}], sha256 ${seen.sha256}` : 'no certificate read';
    if (!seen) add({ status: 'FAIL', name: 'TLS (push)', detail: `${cfg.push.host}:${cfg.push.port}: ${names}`, fix: 'Check socket_host_port and that this network allows the port' });
    else if (cfg.push.insecure) add({ status: 'WARN', name: 'TLS (push)', detail: `not verified (push_tls_insecure=true): ${names}`, fix: `Pin it instead: push_cert_sha256=${seen.sha256}` });
    else if (cfg.push.certSha256) {
      add(cfg.push.certSha256 === seen.sha256
        ? { status: 'OK', name: 'TLS (push)', detail: `pinned certificate matches: ${names}` }
        : { status: 'FAIL', name: 'TLS (push)', detail: `pinned ${cfg.push.certSha256} but the server presents ${names}`, fix: 'If the certificate was renewed, check it and update push_cert_sha256' });
    } else {
      const strict = await new Promise<string | undefined>((resolve) => {
        const s = tlsConnect({ host: cfg.push.host, port: cfg.push.port, servername: /^[\d.]+$/.test(cfg.push.host) ? undefined : cfg.push.host, ca: cfg.push.caPem, rejectUnauthorized: true });
        s.once('secureConnect', () => { s.destroy(); resolve(undefined); });
        s.once('error', (e) => resolve(ms(e)));
      });
      add(strict === undefined
        ? { status: 'OK', name: 'TLS (push)', detail: `verified: ${names}` }
        : { status: 'FAIL', name: 'TLS (push)', detail: `${cfg.push.host}:${cfg.push.port} refused (${strict}): ${names}`, fix: `If this is the certificate you expect, pin it: push_cert_sha256=${seen.sha256} (or push_ca_file=FILE for its CA)` });
    }
  }

  const api = OpenApiClient.fromConfig(cfg, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  const step = async (name: string, run: () => Promise<string>, fix: string): Promise<boolean> => {
    try {
      add({ status: 'OK', name, detail: await run() });
      return true;
    } catch (err) {
      add({ status: 'FAIL', name, detail: ms(err), fix: err instanceof QuotePermissionError ? 'Run `pounce doctor --grab` or start a run (runs take it by default)' : fix });
      return false;
    }
  };
  const signed = await step('signed call', async () => {
    const states = await api.marketState('US');
    return `market_state answered and its signature verified; US ${states[0]?.marketStatus ?? states[0]?.status ?? '?'}`;
  }, 'Check tiger_id and that the private key matches the public key registered on the developer portal');
  if (!signed) return out;
  const r = api.http.lastReply;
  if (r) {
    const skew = r.serverMs - (r.sentMs + r.receivedMs) / 2;
    add({ status: Math.abs(skew) > 5000 ? 'WARN' : 'OK', name: 'clock skew', detail: `${Math.round(skew)} ms (server minus this machine)`, fix: Math.abs(skew) > 5000 ? 'Enable time sync (NTP) on this machine: bar and order times are compared with the server\'s' : undefined });
  }
  await step('license (server)', async () => {
    const lic = await api.userLicense();
    if (cfg.license && lic && lic !== cfg.license) throw new Error(`the server says ${lic}, the config says ${cfg.license}`);
    return `user_license: ${lic || 'none'}`;
  }, 'Set license= to what the server says');
  await step('account', async () => {
    const p = await api.positions();
    return `${cfg.account} (${cfg.accountKind}) answers to tiger_id ${cfg.tigerId}; ${p.length} position(s)`;
  }, 'Check account= in the config: it must be an account of this tiger_id (see the developer portal)');
  await step('assets', async () => {
    const a = await api.assets();
    return `net liquidation ${a.netLiquidation} ${a.currency}, buying power ${a.buyingPower}`;
  }, 'Check the account kind: prime/paper accounts use prime_assets, global accounts assets');
  try {
    const held = o.grab ? await api.grabQuotePermission() : await api.quotePermissions();
    add(held.length > 0
      ? { status: 'OK', name: 'quote permission', detail: `${o.grab ? 'taken by' : 'held by'} this device (${cfg.deviceId ?? 'no device_id'}): ${held.map((p) => p.name).join(', ')}` }
      : { status: 'WARN', name: 'quote permission', detail: `held by another device, not this one (${cfg.deviceId ?? 'no device_id'}); the service does not say which`, fix: 'Runs take it at start-up by default; `pounce doctor --grab` takes it now (the other device loses it)' });
  } catch (err) {
    add({ status: 'FAIL', name: 'quote permission', detail: ms(err), fix: 'See the message' });
  }
  const symbol = o.symbol ?? 'AAPL';
  await step('quote', async () => `${symbol} latest ${(await api.quoteRealTime([symbol]))[0]?.latestPrice ?? '?'}`, 'Check the symbol and your quote subscription');
  await step('kline', async () => `${(await api.kline(symbol, { period: 'day', limit: 5 })).length} daily bar(s) of ${symbol}`, 'Check the symbol and your quote subscription');
  add({ status: 'OK', name: 'rate limits', detail: ['place_order', 'quote_real_time', 'kline', 'positions', 'user_license'].map((m) => `${m} ${perMinuteLimit(m)}/min`).join(', ') + (cfg.accountKind === 'paper' ? '; paper place/modify/cancel share 120/min' : '') });

  // A run or node on a real account holds its tiger_id's lock; run folders are checked too (older runs).
  const holder = TigerIdLock.holder(cfg.tigerId);
  const locks = [...(holder ? [`process ${holder.pid} (${holder.command}, ${holder.runDir})`] : []), ...liveRunLocks(o.runsDir ?? join('.pounce', 'runs'))];
  if (locks.length > 0) {
    add({ status: 'WARN', name: 'push', detail: `not tested: a Pounce run is live (${locks.join(', ')}); a second push connection of this tiger_id would kick it off`, fix: 'Run doctor again when no run is live' });
  } else {
    const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, tls: cfg.push.tls, caPem: cfg.push.caPem, certSha256: cfg.push.certSha256, insecure: cfg.push.insecure, reconnect: { initialMs: 60_000, maxMs: 60_000 } });
    try {
      await push.connect();
      const listing = await push.subscriptionListing();
      let n = 0;
      const sub = push.quotes$([symbol]).subscribe({ next: () => n++, error: () => undefined });
      await new Promise((res) => setTimeout(res, (o.pushSeconds ?? 5) * 1000));
      sub.unsubscribe();
      add({ status: 'OK', name: 'push', detail: `connected to ${cfg.push.host}:${cfg.push.port}, quote quota ${listing.limit('used') ?? 0}/${listing.limit('limit') ?? '?'} in use, ${n} quote(s) of ${symbol} in ${o.pushSeconds ?? 5} s` });
    } catch (err) {
      add({ status: 'FAIL', name: 'push', detail: ms(err), fix: 'See the message (TLS, kick-out by another connection of this tiger_id, or quota)' });
    } finally {
      await push.close();
    }
  }
  return out;
}

/** The table: status, check, detail, and the fix under each WARN/FAIL. */
export function doctorTable(checks: readonly DoctorCheck[]): string[] {
  const w = Math.max(...checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.status.padEnd(4)}  ${c.name.padEnd(w)}  ${c.detail}`);
    if (c.status !== 'OK' && c.fix) lines.push(`${' '.repeat(w + 6)}fix: ${c.fix}`);
  }
  return lines;
}

const DOCTOR_OPTIONS = {
  config: { type: 'string', value: 'FILE', help: 'tiger_openapi_config.properties of the account to check' },
  grab: { type: 'boolean', help: 'take the quote permission for this device (otherwise only reported)' },
  symbol: { type: 'string', value: 'SYMBOL', help: 'symbol for the quote and kline checks (default AAPL)' },
  'push-seconds': { type: 'string', value: 'N', help: 'how long the push connect + subscribe check listens (default 3)' },
  'runs-dir': { type: 'string', value: 'DIR', help: 'run folders to look for a live Pounce process (default .pounce/runs)' },
} as const;

/** `pounce doctor`: its one declaration, read by the parser and by `--help`. */
export const DOCTOR_COMMAND = {
  name: 'doctor',
  usage: '--config FILE [--grab]',
  summary: 'Read-only checks of a real account\'s setup (config, clock, DNS/TLS, signing, routing, permission, market data, account); never places an order or prints key material.',
  options: DOCTOR_OPTIONS,
  examples: ['npm run pounce -- doctor --config path/to/tiger_openapi_config.properties'],
  doc: 'docs/doctor.md',
} as const satisfies CommandSpec<typeof DOCTOR_OPTIONS>;

export async function runDoctorCommand(argv: string[], print: (l: string) => void): Promise<number> {
  const { values: v } = parseCommandArgs(DOCTOR_COMMAND, argv);
  const checks = await runDoctor({ config: v.config, grab: v.grab, symbol: v.symbol, pushSeconds: v['push-seconds'] ? Number(v['push-seconds']) : undefined, runsDir: v['runs-dir'] });
  for (const l of doctorTable(checks)) print(l);
  const fails = checks.filter((c) => c.status === 'FAIL').length;
  print(`${checks.length} checks: ${fails} FAIL, ${checks.filter((c) => c.status === 'WARN').length} WARN`);
  return fails > 0 ? 1 : 0;
}
