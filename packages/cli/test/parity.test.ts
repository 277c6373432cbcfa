import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA, syntheticBars } from '@pounce/gateway';
import type { MarketBar } from '@pounce/matching';
import { defineStrategy, listStrategies, loadStrategy } from '@pounce/runtime';
import { runParity } from '../src/parity/runParity.ts';
import { STRATEGIES_DIR } from '../src/commands/strategiesDir.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const SHARED_NAME: Record<string, string> = { NVDA: 'nvda-1999-2014.csv', ORCL: 'orcl-1995-2014.csv', IDX: '2006-min-005.csv' };

describe('backtest-to-paper parity for every shipped strategy', () => {
  it('uses the shared data (the shipped copies are byte-identical to ../shared/data)', () => {
    for (const [sym, path] of Object.entries(DEFAULT_DATA)) {
      const shared = SHARED + SHARED_NAME[sym];
      if (existsSync(shared)) expect(readFileSync(path, 'utf8')).toBe(readFileSync(shared, 'utf8'));
    }
  });

  for (const { name } of listStrategies(STRATEGIES_DIR)) {
    it(`${name}: backtest and local-gateway fills are identical`, async () => {
      const { def } = await loadStrategy(name, STRATEGIES_DIR);
      const { bars } = loadData(def.symbols.map((s) => `${s}=${DEFAULT_DATA[s]}`));
      const r = await runParity({ def, bars });
      expect(r.backtest.length).toBeGreaterThan(10);
      expect(r.differences).toEqual([]);
      expect(r.paper).toEqual(r.backtest);
    }, 120_000);
  }

  it('a strategy that decides on one symbol\'s bar and trades another: identical fills (no look-ahead across symbols)', async () => {
    // AAA sorts first in every instant: the order for ZZZ is decided on AAA's bar before ZZZ's bar
    // of the same instant is delivered. Before the backtest matched whole slices it filled at ZZZ's
    // open of that same instant, the gateway at the next one.
    const leadLag = defineStrategy({
      name: 'lead-lag', params: {}, symbols: ['AAA', 'ZZZ'],
      setup(ctx) {
        let prev: number | undefined;
        ctx.bars$().subscribe((b) => {
          if (b.symbol !== 'AAA') return;
          const held = ctx.position('ZZZ').quantity;
          if (prev !== undefined && b.close > prev && held <= 0) void ctx.submit({ symbol: 'ZZZ', side: 'BUY', quantity: 10 });
          if (prev !== undefined && b.close < prev && held > 0) void ctx.submit({ symbol: 'ZZZ', side: 'SELL', quantity: held });
          prev = b.close;
        });
      },
    });
    const bars = syntheticBars({ symbols: ['AAA', 'ZZZ'], bars: 300, seed: 5 }) as MarketBar[];
    const r = await runParity({ def: leadLag, bars });
    expect(r.backtest.length).toBeGreaterThan(20);
    expect(r.differences).toEqual([]);
  }, 120_000);
});
