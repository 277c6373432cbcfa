import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '@pounce/core';
import { defaultDataFiles, Gateway, loadBarFiles, loadCorporateActions, syntheticBars } from '@pounce/gateway';
import { parseDuration } from './duration.ts';
import { DEFAULT_STARTING_CASH, tieredFees } from '@pounce/matching';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { StopSignals } from '../commandLine/StopSignals.ts';

export const GATEWAY_OPTIONS = {
  port: { type: 'string', value: 'PORT', help: 'HTTP port (default: any free port)' },
  'push-port': { type: 'string', value: 'PORT', help: 'push (TLS) port (default: any free port)' },
  data: { type: 'string', multiple: true, value: 'SYM=FILE', help: 'CSV history to replay, or store:SYM[@PERIOD] from the bar store (default: the shipped NVDA, ORCL and IDX files)' },
  store: { type: 'string', value: 'DIR', help: 'bar store read by --data store:SYM (default .pounce/store)' },
  synthetic: { type: 'string', value: 'A,B', help: 'replay a seeded random-walk market of these symbols instead' },
  bars: { type: 'string', value: 'N', help: '--synthetic: bars per symbol (default 5000)' },
  speed: { type: 'string', value: 'STEPS_PER_SECOND|max|manual', help: 'replay steps per second (default 20)' },
  seed: { type: 'string', value: 'N', help: '--synthetic: seed (default 1)' },
  state: { type: 'string', value: 'DIR', help: 'state folder: keys, client config, ledger (default .pounce/gateway)' },
  resume: { type: 'boolean', help: 'rebuild the state of the last run from --state' },
  'rate-limit': { type: 'boolean', help: 'apply the per-method rate limits (HTTP 429 / code 5)' },
  'client-config': { type: 'string', multiple: true, value: 'FILE', help: 'register another client\'s tiger_id and public key' },
  participation: { type: 'string', value: 'F', help: 'largest share of a bar\'s volume one symbol may fill (default 0.1)' },
  cash: { type: 'string', value: 'N', help: 'starting cash (default 100000)' },
  zone: { type: 'string', value: 'ZONE', help: 'time zone of CSV dates without one (e.g. America/New_York)' },
  'start-now': { type: 'boolean', help: 'start the replay at once instead of at the first market-data subscription' },
  'status-every': { type: 'string', value: 'DURATION', help: 'how often to print replay time (e.g. 5s)' },
  'corporate-actions': { type: 'string', value: 'FILE', help: 'splits and dividends to apply at each ex-date\'s open (CSV, as backtest --corporate-actions)' },
  'withholding-tax': { type: 'string', value: 'F', help: 'share of dividends withheld on long positions (default 0)' },
} as const;

/** `pounce gateway`: its one declaration, read by the parser and by `--help`. */
export const GATEWAY_COMMAND = {
  name: 'gateway',
  usage: '[options]',
  summary: 'Starts the local OpenAPI gateway (the wire protocol over the matching engine and a market replay) and runs until Ctrl-C. Prints the client config that points Pounce at it.',
  options: GATEWAY_OPTIONS,
  examples: ['npm run gateway -- --synthetic AAPL,MSFT --speed max'],
  doc: 'docs/gateway.md',
} as const satisfies CommandSpec<typeof GATEWAY_OPTIONS>;

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
  const { values: v, positionals } = parseCommandArgs(GATEWAY_COMMAND, argv);
  if (positionals.length > 0) throw new Error(`gateway: unexpected argument "${positionals[0]!}" (pounce gateway --help)`);
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
    : loadBarFiles(v.data ?? defaultDataFiles(), v.zone, v.store);
  const stateDir = v.state ?? '.pounce/gateway';
  const commandLog = join(stateDir, 'commands.jsonl');
  if (!v.resume && existsSync(commandLog)) {
    const commands = readFileSync(commandLog, 'utf8').split('\n').filter(Boolean).length;
    if (commands > 0) out(`warning: ${resolve(stateDir)} holds a previous gateway's state (${commands} commands: orders, cancels); starting without --resume discards it. Stop now and pass --resume to continue it.`);
  }
  const startNow = v['start-now'] === true || speed === 'manual';
  let progress: NodeJS.Timeout | undefined;
  const signals = StopSignals.listen(process, out);
  let gw: Gateway;
  try {
    gw = await Gateway.start({
      stateDir,
      bars,
      httpPort,
      pushPort,
      speed,
      resume: v.resume ?? false,
      rateLimit: v['rate-limit'] ?? false,
      clientConfigs: v['client-config'],
      matching: { fees: tieredFees(), participation, initialCash: cash,
        ...(v['corporate-actions'] ? { corporateActions: loadCorporateActions(v['corporate-actions']), withholdingTax: numberFlag('withholding-tax', v['withholding-tax'], 0, (n) => n >= 0 && n <= 1) } : {}),
      },
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
  } catch (err) {
    signals.close();
    throw err;
  }
  out(`gateway http  ${gw.httpUrl}`);
  out(`gateway push  ssl://127.0.0.1:${gw.pushPort}`);
  out(`symbols       ${gw.replay.symbols.join(', ')} (${gw.replay.length} bar steps)`);
  out(`cash          ${cash.toLocaleString('en-US', { minimumFractionDigits: 2 })} (paper account ${gw.account})`);
  out(`client config ${resolve(gw.clientConfigPath)}`);
  if (!startNow) out(`replay        waits at ${exchangeTime(gw.replay.now())} for the first client to subscribe (--start-now starts it at once)`);
  out('ready');
  await new Promise<void>((resolve) => signals.handle(() => resolve()));
  signals.close();
  clearInterval(progress);
  await gw.stop();
  out(`stopped at replay time ${exchangeTime(gw.replay.now())}; state kept in ${resolve(stateDir)} (--resume continues it)`);
  return 0;
}
