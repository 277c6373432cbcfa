import { describe, expect, it } from 'vitest';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import type { MarketBar } from '@pounce/matching';
import { loadStrategy } from '@pounce/runtime';
import { runParity } from '../src/parity/runParity.ts';
import { STRATEGIES_DIR } from '../src/commands/strategy.ts';

/** Bars of the replay steps [from, to) of the strategy's default data (a window that trades). */
function window(symbols: readonly string[], from: number, to: number): MarketBar[] {
  const { bars } = loadData(symbols.map((s) => `${s}=${DEFAULT_DATA[s]}`));
  const times = [...new Set(bars.map((b) => b.time))].sort((a, b) => a - b);
  const [lo, hi] = [times[from]!, times[to]!];
  return bars.filter((b) => b.time >= lo && b.time < hi);
}

// The three shipped single-symbol strategies and the two-symbol one, on windows where each trades.
const CASES: Array<[name: string, from: number, to: number]> = [
  ['sma-cross', 0, 120],
  ['bollinger-reversion', 0, 120],
  ['opening-range-breakout', 0, 120],
  ['momentum-rotation', 1100, 1220],
];

describe('paper fills on the embedded gateway do not depend on the replay speed', () => {
  for (const [name, from, to] of CASES) {
    for (const speed of [20, 100, 'max'] as const) {
      it(`${name} at --speed ${speed}: the paper fills equal the backtest's, fill for fill`, async () => {
        const { def } = await loadStrategy(name, STRATEGIES_DIR);
        const r = await runParity({ def, bars: window(def.symbols, from, to), speed });
        expect(r.backtest.length).toBeGreaterThan(0);
        expect(r.differences).toEqual([]);
        expect(r.paper).toEqual(r.backtest);
      }, 60_000);
    }
  }
});
