import { parseArgs } from 'node:util';
import { createLogger } from '@pounce/core';
import { defaultDataFiles, Gateway, loadBarFiles, loadCorporateActions, syntheticBars } from '@pounce/gateway';
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
  'corporate-actions': { type: 'string' },
  'withholding-tax': { type: 'string' },
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

/**
 * `pounce gateway`: starts the local gateway and runs until SIGINT/SIGTERM. Prints the path of
 * the client config that points core at it.
 */
export async function runGatewayCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v } = parseArgs({ args: argv, options: GATEWAY_OPTIONS });
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
    matching: { fees: tieredFees(), participation: numberFlag('participation', v.participation, 0.1, (n) => n > 0 && n <= 1), initialCash: numberFlag('cash', v.cash, DEFAULT_STARTING_CASH, (n) => n > 0),
      ...(v['corporate-actions'] ? { corporateActions: loadCorporateActions(v['corporate-actions']), withholdingTax: numberFlag('withholding-tax', v['withholding-tax'], 0, (n) => n >= 0 && n <= 1) } : {}),
    },
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
