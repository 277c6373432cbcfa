import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MarketBar } from '@pounce/matching';
import { bySymbol, defineStrategy, sma } from '@pounce/runtime';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { runBacktest, type BacktestFill, type BacktestOptions } from '../src/index.ts';

/*
 * The engine's speed work must not change a single fill. These runs pin the fills (a hash of
 * every field), their count, the end equity and the refusals of two generated workloads, as
 * recorded on d2fed70 before that work: one market-order strategy over many symbols, one with
 * DAY limit orders, bracket legs and risk limits (expiry, OCA and refusal paths).
 */

const HOUR = 3_600_000;

/** Deterministic random walks: `symbols` series of hourly bars, six per weekday session, inside regular hours. */
function generatedSlices(symbols: number, sessions: number): { slices: MarketBar[][]; symbols: string[] } {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const names = Array.from({ length: symbols }, (_, i) => `G${i}`);
  const close = names.map((_, i) => 20 + i * 3);
  const slices: MarketBar[][] = [];
  let day = Date.UTC(2021, 0, 4);
  for (let s = 0; s < sessions; day += 86_400_000) {
    const wd = new Date(day).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    s++;
    for (let k = 0; k < 6; k++) {
      const time = day + 14.5 * HOUR + k * HOUR;
      slices.push(names.map((symbol, i) => {
        const open = close[i]!;
        const c = Math.max(1, open * (1 + (rand() - 0.5) * 0.04));
        close[i] = c;
        const high = Math.max(open, c) * (1 + rand() * 0.01);
        const low = Math.min(open, c) * (1 - rand() * 0.01);
        return { symbol, time, open, high, low, close: c, volume: 1000 + Math.floor(rand() * 50_000) };
      }));
    }
  }
  return { slices, symbols: names };
}

/** Buys a dip with a DAY limit order carrying a take-profit and a stop-loss; shorts a spike with a DAY limit. */
const dipBrackets = defineStrategy({
  name: 'dip-brackets', params: {}, symbols: ['G0'],
  setup(ctx) {
    const cents = (x: number) => Math.round(x * 100) / 100;
    ctx.bars$().pipe(bySymbol(sma(8))).subscribe(({ bar, value: avg }) => {
      const held = ctx.position(bar.symbol).quantity;
      if (held > 0 && ctx.workingOrders(bar.symbol) > 0) return;
      if (held === 0 && bar.close < avg * 0.99) {
        void ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: 30, type: 'limit', limitPrice: cents(bar.close * 0.995), takeProfit: { limitPrice: cents(bar.close * 1.02) }, stopLoss: { stopPrice: cents(bar.close * 0.97) } });
      } else if (held === 0 && bar.close > avg * 1.02) {
        void ctx.submit({ symbol: bar.symbol, side: 'SELL', quantity: 25, type: 'limit', limitPrice: cents(bar.close * 1.005) });
      } else if (held < 0 && bar.close < avg) {
        void ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: -held, type: 'market' });
      }
    });
  },
});

async function pinned(o: Omit<BacktestOptions, 'onFill'>): Promise<{ fills: number; hash: string; endEquity: number; rejected: number }> {
  const h = createHash('sha256');
  const onFill = (f: BacktestFill) => h.update(`${f.id},${f.orderId},${f.symbol},${f.action},${f.quantity},${f.price},${f.fee},${f.time},${f.clientOrderId};`);
  const r = await runBacktest({ ...o, onFill });
  return { fills: r.fillCount, hash: h.digest('hex').slice(0, 16), endEquity: Math.round(r.endEquity * 100) / 100, rejected: r.rejected.count };
}

describe('fills of generated runs (pinned before the engine speed work)', () => {
  it('sma-cross over 24 symbols of hourly bars: the same fills, kept or streamed', async () => {
    const data = generatedSlices(24, 120);
    const run = (keepDetail: boolean) => pinned({ def: smaCross, bars: { slices: data.slices }, symbols: data.symbols, cash: 1e7, timeframe: 'venue', keepDetail });
    const full = await run(true);
    expect(full).toEqual({ fills: 550, hash: '0b9bd4d418076904', endEquity: 9996765.24, rejected: 0 });
    expect(await run(false)).toEqual(full);
  });

  it('DAY limit orders with bracket legs and risk limits over 12 symbols: the same fills and refusals', async () => {
    const data = generatedSlices(12, 200);
    const r = await pinned({ def: dipBrackets, bars: { slices: data.slices }, symbols: data.symbols, cash: 200_000, timeframe: 'venue', risk: { maxPositionPerSymbol: 40, maxGrossExposure: 15_000, maxOpenOrders: 8 } });
    expect(r).toEqual({ fills: 70, hash: 'e7f29b30a79d5368', endEquity: 195858.88, rejected: 13 });
  });
});
