import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { STRATEGIES_DIR } from './strategiesDir.ts';

/** A strategy name is its folder name: lower-case words joined by hyphens. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The new strategy: a declared SMA/close cross on NVDA with a bracket, ready to edit. */
export function strategySource(name: string): string {
  return `import { bySymbol, cross, defineStrategy, sma } from '@pounce/runtime';

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * ${name}: buys \`size\` shares with a limit order when the close crosses above its SMA, with a
 * take-profit and a stop-loss attached at the venue (a bracket); closes on the cross back down.
 * The legs are DAY orders: they expire with their session (docs/strategies.md, Brackets and OCA).
 */
export default defineStrategy({
  name: '${name}',
  description: 'Close crosses above its SMA: buy with a bracket; close on the cross down',
  params: {
    period: { type: 'integer', default: 20, min: 2, description: 'SMA length (bars)' },
    size: { type: 'integer', default: 100, min: 1, description: 'shares per entry' },
    takeProfit: { type: 'number', default: 0.08, min: 0, description: 'take-profit distance (fraction of the entry)' },
    stopLoss: { type: 'number', default: 0.04, min: 0, description: 'stop-loss distance (fraction of the entry)' },
  },
  symbols: ['NVDA'],
  setup(ctx) {
    const { period, size, takeProfit, stopLoss } = ctx.params;
    ctx.bars$().pipe(bySymbol(cross(sma(1), sma(period)))).subscribe(({ bar: { symbol, close }, value: crossed }) => {
      if (ctx.workingOrders(symbol) > 0) return;
      const held = ctx.position(symbol).quantity;
      if (crossed > 0 && held === 0) {
        void ctx.submit({ symbol, side: 'BUY', quantity: size, type: 'limit', limitPrice: cents(close), takeProfit: { limitPrice: cents(close * (1 + takeProfit)) }, stopLoss: { stopPrice: cents(close * (1 - stopLoss)) } });
      } else if (crossed < 0 && held > 0) {
        void ctx.flatten(symbol);
      }
    });
  },
});
`;
}

/** The new strategy's test: a backtest on the data shipped for its symbols. */
export function strategyTestSource(name: string): string {
  return `import { describe, expect, it } from 'vitest';
import { loadData, runBacktest } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import strategy from './index.ts';

describe('${name}', () => {
  it('backtests on the shipped data: it trades, and the venue refuses none of its orders', async () => {
    const { bars } = loadData(strategy.symbols.map((s) => \`\${s}=\${DEFAULT_DATA[s]}\`));
    const r = await runBacktest({ def: strategy, bars });
    expect(r.fillCount).toBeGreaterThan(0);
    expect(r.rejected.reasons).toEqual([]);
  });
});
`;
}

/**
 * `pounce new <name>`: writes `<strategies>/<name>/index.ts` and `index.test.ts` (a backtest on
 * shipped data, run by `npm test`); never overwrites. `--dir` writes into another strategies folder.
 */
const NEW_OPTIONS = {
  dir: { type: 'string', value: 'DIR', help: 'strategies folder to write into (default strategies/, or POUNCE_STRATEGIES_DIR)' },
} as const;

/** `pounce new`: its one declaration, read by the parser and by `--help`. */
export const NEW_COMMAND = {
  name: 'new',
  usage: '<name> [--dir DIR]',
  summary: 'Creates strategies/<name>/index.ts and a test that backtests it on shipped data; never overwrites.',
  options: NEW_OPTIONS,
  examples: ['npm run pounce -- new my-strategy'],
  doc: 'docs/strategies.md',
} as const satisfies CommandSpec<typeof NEW_OPTIONS>;

export async function runNewCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(NEW_COMMAND, argv);
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new Error('usage: npm run pounce -- new <name> [--dir <strategies folder>]');
  if (!NAME.test(name)) throw new Error(`<name>: expected lower-case words joined by hyphens (like my-strategy), got "${name}"`);
  const root = values.dir ?? STRATEGIES_DIR;
  const dir = join(root, name);
  if (existsSync(dir)) throw new Error(`${dir} already exists; choose another name (nothing was written)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.ts'), strategySource(name));
  writeFileSync(join(dir, 'index.test.ts'), strategyTestSource(name));
  const shown = relative(process.cwd(), dir) || dir;
  out(`created ${join(shown, 'index.ts')} and ${join(shown, 'index.test.ts')}`);
  out(`  backtest: npm run backtest -- ${name}`);
  out(`  test:     npx vitest run ${join(shown, 'index.test.ts')}`);
  return 0;
}
