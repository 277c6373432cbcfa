import { createLogger } from '@pounce/core';
import { defaultDataFiles, Gateway, loadBarFiles, syntheticBars } from '@pounce/gateway';
import { DEFAULT_STARTING_CASH, tieredFees } from '@pounce/matching';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';

export const GATEWAY_OPTIONS = {
  port: { type: 'string', value: 'PORT', help: 'HTTP port (default: any free port)' },
  'push-port': { type: 'string', value: 'PORT', help: 'push (TLS) port (default: any free port)' },
  data: { type: 'string', multiple: true, value: 'SYM=FILE', help: 'CSV history to replay (default: the shipped NVDA, ORCL and IDX files)' },
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

/**
 * `pounce gateway`: starts the local gateway and runs until SIGINT/SIGTERM. Prints the path of
 * the client config that points core at it.
 */
export async function runGatewayCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(GATEWAY_COMMAND, argv);
  if (positionals.length > 0) throw new Error(`gateway: unexpected argument "${positionals[0]!}" (pounce gateway --help)`);
  const seed = numberFlag('seed', v.seed, 1, Number.isInteger);
  const bars = v.synthetic
    ? syntheticBars({ symbols: v.synthetic.split(','), bars: numberFlag('bars', v.bars, 5000, (n) => Number.isInteger(n) && n > 0), seed })
    : loadBarFiles(v.data ?? defaultDataFiles(), v.zone);
  const gw = await Gateway.start({
    stateDir: v.state ?? '.pounce/gateway',
    bars,
    httpPort: numberFlag('port', v.port, 0, Number.isInteger),
    pushPort: numberFlag('push-port', v['push-port'], 0, Number.isInteger),
    speed: parseSpeed(v.speed),
    resume: v.resume ?? false,
    rateLimit: v['rate-limit'] ?? false,
    clientConfigs: v['client-config'],
    matching: { fees: tieredFees(), participation: numberFlag('participation', v.participation, 0.1, (n) => n > 0 && n <= 1), initialCash: numberFlag('cash', v.cash, DEFAULT_STARTING_CASH, (n) => n > 0) },
    logger: createLogger({ scope: 'gateway' }),
  });
  out(`gateway http  ${gw.httpUrl}`);
  out(`gateway push  ssl://127.0.0.1:${gw.pushPort}`);
  out(`symbols       ${gw.replay.symbols.join(', ')} (${gw.replay.length} bar steps)`);
  out(`client config ${gw.clientConfigPath}`);
  out('ready');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await gw.stop();
  return 0;
}
