import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { combinations, loadData, parseSweep, runBacktest, runSweep } from '../src/index.ts';
import smaCross from '../../../strategies/sma-cross/index.ts';

const NVDA = fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url));
const STRATEGY = fileURLToPath(new URL('../../../strategies/sma-cross/index.ts', import.meta.url));

describe('parameter sweeps', () => {
  it('parses ranges and lists, and builds every combination', () => {
    expect(parseSweep('fast=5:20:5')).toEqual({ name: 'fast', values: [5, 10, 15, 20] });
    expect(parseSweep('mode=a,b')).toEqual({ name: 'mode', values: ['a', 'b'] });
    expect(() => parseSweep('fast=20:5:5')).toThrow(/start <= stop/);
    expect(combinations({ size: '10' }, [parseSweep('fast=5:10:5'), parseSweep('slow=20:30:10')])).toEqual([
      { size: '10', fast: 5, slow: 20 }, { size: '10', fast: 5, slow: 30 }, { size: '10', fast: 10, slow: 20 }, { size: '10', fast: 10, slow: 30 },
    ]);
  });

  it('runs combinations on worker threads with the same results as single runs', async () => {
    const { bars } = loadData([`NVDA=${NVDA}`], { to: Date.UTC(2004, 0, 1) });
    const combos = combinations({}, [parseSweep('fast=5:10:5'), parseSweep('slow=20:30:10')]);
    const results = await runSweep({ strategyPath: STRATEGY, bars, cash: 100_000, fees: 'tradeup', slippageBps: 0, participation: 0.1 }, combos, 2);
    expect(results.map((r) => r.params)).toEqual(combos);
    const single = await runBacktest({ def: smaCross, rawParams: combos[3]!, bars, cash: 100_000 });
    expect(results[3]!.metrics).toEqual(single.metrics);
    expect(new Set(results.map((r) => r.metrics!.totalReturn)).size).toBeGreaterThan(1);
  });

  it('applies the job\'s risk limits to every combination, as a single run does', async () => {
    const { bars } = loadData([`NVDA=${NVDA}`], { to: Date.UTC(2004, 0, 1) });
    const risk = { maxPositionPerSymbol: 50 };
    const combos = [{ size: 40 }, { size: 100 }];
    const results = await runSweep({ strategyPath: STRATEGY, bars, cash: 100_000, fees: 'tradeup', slippageBps: 0, participation: 0.1, risk }, combos, 2);
    for (const [i, params] of combos.entries()) {
      const single = await runBacktest({ def: smaCross, rawParams: params, bars, cash: 100_000, risk });
      expect(results[i]!.metrics).toEqual(single.metrics);
    }
    expect(results[0]!.metrics!.tradeCount).toBeGreaterThan(5);
    // Every 100-share entry is beyond the 50-share position limit.
    expect(results[1]!.metrics!.tradeCount).toBe(0);
  });

  it('reports a bad combination as an error, not a crash', async () => {
    const { bars } = loadData([`NVDA=${NVDA}`], { to: Date.UTC(2000, 0, 1) });
    const [r] = await runSweep({ strategyPath: STRATEGY, bars, cash: 100_000, fees: 'tradeup', slippageBps: 0, participation: 0.1 }, [{ fast: 30, slow: 10 }], 1);
    expect(r!.error).toMatch(/fast \(30\) must be below slow \(10\)/);
  });
});
