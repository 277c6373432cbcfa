import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '@pounce/core';
import { RiskEngine, type RiskLimits } from '../src/index.ts';

function engine(limits: RiskLimits, book: { pos?: Record<string, number>; price?: number; gross?: number; equity?: () => number; now?: () => number; day?: () => number } = {}) {
  return new RiskEngine(limits, {
    position: (s) => book.pos?.[s] ?? 0, price: () => book.price ?? 10, grossExposure: () => book.gross ?? 0,
    equity: book.equity ?? (() => 100_000), now: book.now ?? (() => 0), day: book.day ?? (() => 20240102),
  });
}
const buy = (quantity: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity, ...extra });

describe('RiskEngine refuses what it must', () => {
  it('max order quantity and notional', () => {
    expect(engine({ maxOrderQuantity: 100 }).check(buy(101))).toBe('order quantity 101 exceeds max 100');
    expect(engine({ maxOrderNotional: 1000 }).check(buy(50, { orderType: 'LMT', limitPrice: 25 }))).toBe('order notional 1250.00 exceeds max 1000');
    expect(engine({ maxOrderQuantity: 100, maxOrderNotional: 1000 }).check(buy(100))).toBeUndefined();
  });
  it('max position per symbol, but reducing is always allowed', () => {
    const r = engine({ maxPositionPerSymbol: 150 }, { pos: { NVDA: 100 } });
    expect(r.check(buy(100))).toBe('position in NVDA would be 200, beyond max 150');
    expect(r.check({ ...buy(100), action: 'SELL' })).toBeUndefined();
  });
  it('max gross exposure', () => {
    expect(engine({ maxGrossExposure: 5000 }, { gross: 4500 }).check(buy(100))).toBe('gross exposure would be 5500.00, beyond max 5000');
  });
  it('symbol allow-list', () => {
    expect(engine({ allowedSymbols: ['ORCL'] }).check(buy(1))).toBe('symbol NVDA is not in the allow-list (ORCL)');
  });
  it('order rate cap per wall-clock minute', () => {
    let t = 0;
    const r = engine({ maxOrdersPerMinute: 2 }, { now: () => t });
    expect(r.check(buy(1))).toBeUndefined();
    expect(r.check(buy(1))).toBeUndefined();
    expect(r.check(buy(1))).toBe('order rate cap 2/min reached');
    t = 60_001;
    expect(r.check(buy(1))).toBeUndefined();
  });
  it('daily loss limit halts new exposure for the rest of the run; flattening still passes; a new day restarts the count', () => {
    let equity = 100_000;
    let day = 1;
    const r = engine({ dailyLossLimit: 1000 }, { pos: { NVDA: 50 }, equity: () => equity, day: () => day });
    expect(r.check(buy(1))).toBeUndefined();
    equity = 98_900;
    expect(r.check(buy(1))).toMatch(/trading halted: daily loss limit 1000 reached/);
    expect(r.haltReason).toMatch(/daily loss/);
    expect(r.check({ ...buy(50), action: 'SELL' })).toBeUndefined();
    day = 2; // the halt is sticky: a tripped limit stays tripped for the run
    expect(r.check(buy(1))).toMatch(/halted/);
  });
  it('kill switch halt refuses new exposure', () => {
    const r = engine({});
    r.halt('kill switch');
    expect(r.check(buy(1))).toBe('trading halted: kill switch');
  });
});
