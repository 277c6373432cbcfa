import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { computeMetrics, periodsPerYear, runBacktest, streamData } from '../src/index.ts';

const data = (name: string) => fileURLToPath(new URL(`../../gateway/data/${name}`, import.meta.url));
const SPECS = [`ORCL=${data('orcl-1995-2014.csv')}`, `NVDA=${data('nvda-1999-2014.csv')}`];

describe('keepDetail off', () => {
  it('keeps no curve, trades or fills, and gives the same metrics and counts as a full run', async () => {
    const full = await runBacktest({ def: smaCross, symbols: ['NVDA', 'ORCL'], bars: streamData(SPECS) });
    const lean = await runBacktest({ def: smaCross, symbols: ['NVDA', 'ORCL'], bars: streamData(SPECS), keepDetail: false });
    expect(lean.equity).toEqual([]);
    expect(lean.fills).toEqual([]);
    expect(lean.trades).toEqual([]);
    expect(lean.fillCount).toBe(full.fills.length);
    expect(lean.metrics).toEqual(full.metrics);
    expect(full.metrics).toEqual(computeMetrics(full.equity, { count: full.trades.length, wins: full.trades.filter((t) => t.pnl > 0).length, grossWin: full.trades.reduce((s, t) => s + Math.max(0, t.pnl), 0), grossLoss: full.trades.reduce((s, t) => s + Math.max(0, -t.pnl), 0) }, full.fills.reduce((s, f) => s + f.price * f.quantity, 0)));
  });
});

describe('periodsPerYear', () => {
  it('takes the median gap exactly as sorting every gap would', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(300_000, 900_000, 61_200_000, 86_400_000, 259_200_000, 604_800_000), { maxLength: 300 }), (gaps) => {
        const times = gaps.reduce<number[]>((ts, g) => [...ts, ts[ts.length - 1]! + g], [0]);
        const sorted = [...gaps].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)]!;
        const expected = gaps.length < 2 ? 252 : median >= 20 * 3_600_000 ? 252 * (median >= 6 * 86_400_000 ? 1 / 5 : 1) : Math.round(252 * ((6.5 * 3_600_000) / median));
        expect(periodsPerYear(times)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
