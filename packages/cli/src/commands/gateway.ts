import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@pounce/core';
import { defaultDataFiles, Gateway, loadBarFiles, syntheticBars } from '@pounce/gateway';
import { parseDuration } from './duration.ts';
import { DEFAULT_STARTING_CASH, tieredFees } from '@pounce/matching';

export const GATEWAY_OPTIONS = {
  port: { type: 'string' },
  'push-port': { type: 'string' },
  data: { type: 'string', multiple: true },
  synthetic: { type: 'string' },
  bars: { type: 'string' },
  speed: { type: 'string' },
  seed: { type: 'string' },
  state: { type: 'string' },
  resume: { type: 'boolean' },
  'rate-limit': { type: 'boolean' },
  'client-config': { type: 'string', multiple: true },
  participation: { type: 'string' },
  cash: { type: 'string' },
  zone: { type: 'string' },
  'start-now': { type: 'boolean' },
  'status-every': { type: 'string' },
} as const;

/** Parses a number flag, or fails naming the flag. */
export function numberFlag(name: string, v: string | undefined, fallback: number, check: (n: number) => boolean = Number.isFinite): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !check(n)) throw new Error(`--${name}: expected a number, got "${v}"`);
  return n;
}

export function parseSpeed(v: string | undefined): number | 'max' | 'manual' {
  if (v === undefined) return 20;
  if (v === 'max' || v === 'manual') return v;
  return numberFlag('speed', v, 20, (n) => n > 0 && n <= 100_000);
}

/** A port flag: 0 (any free port) to 65535. */
export function portFlag(name: string, v: string | undefined): number {
  return numberFlag(name, v, 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535);
}

/** Exchange time for people: `2014-01-02 09:30 New York`. */
export function exchangeTime(ms: number): string {
  const p = Object.fromEntries(EXCHANGE_TIME.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} New York`;
}
const EXCHANGE_TIME = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * `pounce gateway`: starts the local gateway and runs until SIGINT/SIGTERM. Prints the path of
 * the client config that points core at it. The replay waits for the first client to subscribe
 * to market data (`--start-now` starts it at once), and the replay time is printed as it goes.
 */
export async function runGatewayCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: GATEWAY_OPTIONS });
  // Every flag is checked before a state folder is touched.
  const seed = numberFlag('seed', v.seed, 1, Number.isInteger);
  const httpPort = portFlag('port', v.port);
  const pushPort = portFlag('push-port', v['push-port']);
  const speed = parseSpeed(v.speed);
  const participation = numberFlag('participation', v.participation, 0.1, (n) => n > 0 && n <= 1);
  const cash = numberFlag('cash', v.cash, DEFAULT_STARTING_CASH, (n) => n > 0);
  const every = v['status-every'] ? parseDuration('status-every', v['status-every']) : 5000;
  const bars = v.synthetic
    ? syntheticBars({ symbols: v.synthetic.split(','), bars: numberFlag('bars', v.bars, 5000, (n) => Number.isInteger(n) && n > 0), seed })
    : loadBarFiles(v.data ?? defaultDataFiles(), v.zone);
  const stateDir = v.state ?? '.pounce/gateway';
  const commandLog = join(stateDir, 'commands.jsonl');
  if (!v.resume && existsSync(commandLog)) {
    const commands = readFileSync(commandLog, 'utf8').split('\n').filter(Boolean).length;
    if (commands > 0) out(`warning: ${resolve(stateDir)} holds a previous gateway's state (${commands} commands: orders, cancels); starting without --resume discards it. Stop now and pass --resume to continue it.`);
  }
  const startNow = v['start-now'] === true || speed === 'manual';
  let progress: NodeJS.Timeout | undefined;
  const gw: Gateway = await Gateway.start({
    stateDir,
    bars,
    httpPort,
    pushPort,
    speed,
    resume: v.resume ?? false,
    rateLimit: v['rate-limit'] ?? false,
    clientConfigs: v['client-config'],
    matching: { fees: tieredFees(), participation, initialCash: cash },
    logger: createLogger({ scope: 'gateway' }),
    startReplay: startNow ? 'now' : 'first-subscribe',
    onReplayStart: () => {
      // Called from inside Gateway.start with --start-now: gw is not assigned yet then.
      queueMicrotask(() => {
        out(`replay started${startNow ? '' : ' (a client subscribed)'} at ${exchangeTime(gw.replay.now())}`);
        progress = setInterval(() => out(`replay ${exchangeTime(gw.replay.now())} (step ${gw.replay.position}/${gw.replay.length})${gw.replay.done ? ' finished' : ''}`), every);
      });
    },
  });
  out(`gateway http  ${gw.httpUrl}`);
  out(`gateway push  ssl://127.0.0.1:${gw.pushPort}`);
  out(`symbols       ${gw.replay.symbols.join(', ')} (${gw.replay.length} bar steps)`);
  out(`cash          ${cash.toLocaleString('en-US', { minimumFractionDigits: 2 })} (paper account ${gw.account})`);
  out(`client config ${resolve(gw.clientConfigPath)}`);
  if (!startNow) out(`replay        waits at ${exchangeTime(gw.replay.now())} for the first client to subscribe (--start-now starts it at once)`);
  out('ready');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(progress);
  await gw.stop();
  out(`stopped at replay time ${exchangeTime(gw.replay.now())}; state kept in ${resolve(stateDir)} (--resume continues it)`);
  return 0;
}
