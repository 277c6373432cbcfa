import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { defineStrategy } from '@pounce/runtime';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { combinations, loadData, parseWalkForward, runBacktest, runWalkForward, walkForwardWindows } from '../src/index.ts';

const NVDA = 'NVDA=packages/gateway/data/nvda-1999-2014.csv';
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('walk-forward windows', () => {
  const first = Date.UTC(1999, 0, 22, 14, 30);
  const last = Date.UTC(2014, 11, 31, 14, 30);

  it('train=2y,test=6m: test windows follow each other from two years in, each trained on the two years before', () => {
    const w = walkForwardWindows(first, last, parseWalkForward('train=2y,test=6m'));
    // Training ends on 2001-01-22 + 6 months x k while that is within the data: k = 0..27.
    expect(w).toHaveLength(28);
    expect(w.slice(0, 2).map((x) => [day(x.trainStart), day(x.trainEnd), day(x.testStart), day(x.testEnd)])).toEqual([
      ['1999-01-22', '2001-01-22', '2001-01-22', '2001-07-22'],
      ['1999-07-22', '2001-07-22', '2001-07-22', '2002-01-22'],
    ]);
    expect([day(w[27]!.trainStart), day(w[27]!.testStart), day(w[27]!.testEnd)]).toEqual(['2012-07-22', '2014-07-22', '2015-01-22']);
    for (let i = 1; i < w.length; i++) expect(w[i]!.testStart).toBe(w[i - 1]!.testEnd);
  });

  it('anchored: every training window starts at the first bar', () => {
    const w = walkForwardWindows(first, last, parseWalkForward('train=2y,test=6m,anchored'));
    expect(new Set(w.map((x) => x.trainStart))).toEqual(new Set([first]));
    expect(day(w[3]!.trainEnd)).toBe('2002-07-22');
  });

  it('names a bad part', () => {
    expect(() => parseWalkForward('train=2y,test=6x')).toThrow('--walk-forward test: expected a length like 2y, 6m or 90d, got "6x"');
    expect(() => parseWalkForward('train=2y,test=6m,rolling')).toThrow('unknown part "rolling"');
  });
});

describe('walk-forward on the shipped NVDA data', () => {
  it('chooses the sweep\'s best on each training window and stitches the test segments without overlap', async () => {
    const bars = loadData([NVDA]).bars;
    const combos = combinations({ size: 100 }, [{ name: 'fast', values: [5, 10] }, { name: 'slow', values: [20, 40] }]);
    const spec = parseWalkForward('train=4y,test=2y,warmup=60');
    const job = { strategyPath: fileURLToPath(new URL('../../../strategies/sma-cross/index.ts', import.meta.url)), bars, symbols: ['NVDA'], cash: 100_000, fees: 'zero', slippageBps: 0, participation: 0.1 };
    const wf = await runWalkForward({ def: smaCross, job, combos, spec, workers: 2 });
    expect(wf.steps.map((s) => day(s.window.testStart))).toEqual(['2003-01-22', '2005-01-22', '2007-01-22', '2009-01-22', '2011-01-22', '2013-01-22']);
    const times = [...new Set(bars.map((b) => b.time))].sort((a, b) => a - b);
    for (const s of wf.steps) {
      // The same backtests in this process: warm-up bars from before the window, trading inside it.
      const i = times.findIndex((t) => t >= s.window.trainStart);
      const warmStart = times[Math.max(0, i - 60)]!;
      const train = bars.filter((b) => b.time >= warmStart && b.time < s.window.trainEnd);
      const sharpes = [];
      for (const p of combos) sharpes.push((await runBacktest({ def: smaCross, rawParams: p, bars: train, tradeFrom: s.window.trainStart, fees: 'zero' })).metrics.sharpe);
      const best = sharpes.indexOf(Math.max(...sharpes));
      expect(s.params).toEqual(combos[best]);
      expect(s.inSample.sharpe).toBe(sharpes[best]);
      expect(s.equity.every((p) => p.time >= s.window.testStart && p.time < s.window.testEnd)).toBe(true);
    }
    // One curve, strictly in time order, each segment starting where the last ended.
    for (let i = 1; i < wf.equity.length; i++) expect(wf.equity[i]!.time).toBeGreaterThan(wf.equity[i - 1]!.time);
    expect(wf.equity.length).toBe(wf.steps.reduce((n, s) => n + s.equity.length, 0));
    const compounded = wf.steps.reduce((g, s) => g * (1 + s.outOfSample.totalReturn), 1) - 1;
    expect(wf.metrics.totalReturn).toBeCloseTo(compounded, 9);
    // Trade statistics come from the round trips closed inside the test windows; a position still
    // open at a window's end (there is one here) is on the curve at its last mark, not a trade.
    expect(wf.steps.some((s) => s.equity[s.equity.length - 1]!.gross > 0)).toBe(true);
    expect(wf.metrics.tradeCount).toBe(wf.steps.reduce((n, s) => n + s.outOfSample.tradeCount, 0));
  }, 120_000);
});

describe('walk-forward warm-up bars (tradeFrom)', () => {
  it('reach the strategy but an order on one is refused as by the venue, and they are not on the curve', async () => {
    const bars = loadData([NVDA]).bars.slice(0, 40);
    const from = bars[20]!.time;
    const outcomes: Array<[number, string | undefined]> = [];
    const def = defineStrategy({
      name: 'order-every-bar', params: {}, symbols: ['NVDA'], timeframe: 'venue',
      setup(ctx) {
        ctx.bars$().subscribe((b) => void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 1 }).then((r) => outcomes.push([b.time, r.rejected])));
      },
    });
    const r = await runBacktest({ def, bars, tradeFrom: from, fees: 'zero' });
    const warm = outcomes.filter(([t]) => t < from);
    expect(warm).toHaveLength(20);
    for (const [, rejected] of warm) expect(rejected).toMatch(/^venue: warm-up: trading starts at /);
    expect(outcomes.filter(([t, rejected]) => t >= from && rejected === undefined).length).toBeGreaterThan(0);
    expect(r.equity[0]!.time).toBeGreaterThanOrEqual(from);
  });
});
