import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fill } from '@pounce/core';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { defineStrategy, loadStrategy, TradingEngine } from '@pounce/runtime';
import { runParity } from '../src/parity/runParity.ts';
import { startEmbeddedVenue } from '../src/venue/embeddedVenue.ts';
import { STRATEGIES_DIR } from '../src/commands/strategiesDir.ts';

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

describe('a lost place_order reply on the embedded gateway', () => {
  it('is looked up before the replay moves on, so the order fills on the next bar as in the backtest', async () => {
    const bars = window(['NVDA'], 0, 12);
    const def = defineStrategy({
      name: 'one-buy', params: {}, symbols: ['NVDA'],
      setup(ctx) {
        let n = 0;
        ctx.bars$().subscribe(() => {
          if (++n === 2) void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 10 });
        });
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'pounce-lost-'));
    try {
      const { venue, gateway, replay } = await startEmbeddedVenue({ bars, symbols: ['NVDA'], stateDir: join(dir, 'gw'), speed: 'max', matching: { fees: perShareFees(0) } });
      // The reply is lost and the order appears only after two lookups have found nothing (with a
      // pause between them: without the hold the replay ran on meanwhile and the order came late).
      gateway.faults.placeAfterLookups = 2;
      const engine = await TradingEngine.start({ def, venue, runDir: join(dir, 'run'), journal: 'none' });
      const fills: Fill[] = [];
      engine.execution.fills$.subscribe((f) => fills.push(f));
      replay.holdWhile(() => engine.execution.lookupsInProgress > 0);
      await replay.start();
      await engine.stop();
      expect(gateway.engine.ordersOf(gateway.account)).toHaveLength(1); // never re-sent
      expect(fills.map((f) => f.time)).toEqual([bars[2]!.time]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
