import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '@pounce/core';
import { RiskEngine, type HaltCause, type RiskLimits, type WorkingOrder } from '../src/index.ts';

interface Book {
  pos?: Record<string, number>;
  price?: number;
  gross?: number;
  equity?: () => number;
  now?: () => number;
  day?: () => number;
  working?: WorkingOrder[];
}

function view(book: Book) {
  return {
    position: (s: string) => book.pos?.[s] ?? 0, price: () => book.price ?? 10, grossExposure: () => book.gross ?? 0,
    equity: book.equity ?? (() => 100_000), now: book.now ?? (() => 0), day: book.day ?? (() => 20240102), workingOrders: () => book.working ?? [],
  };
}

function engine(limits: RiskLimits, book: Book = {}) {
  return new RiskEngine(limits, view(book));
}
const buy = (quantity: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity, ...extra });
const sell = (quantity: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({ ...buy(quantity, extra), action: 'SELL' });
const working = (action: 'BUY' | 'SELL', remaining: number, extra: Partial<WorkingOrder> = {}): WorkingOrder => ({ symbol: 'NVDA', action, remaining, price: undefined, cancelRequested: false, ...extra });

describe('RiskEngine refuses what it must', () => {
  it('max order quantity and notional', () => {
    expect(engine({ maxOrderQuantity: 100 }).check(buy(101))).toBe('order quantity 101 exceeds max 100');
    expect(engine({ maxOrderNotional: 1000 }).check(buy(50, { orderType: 'LMT', limitPrice: 25 }))).toBe('order notional 1250.00 exceeds max 1000');
    expect(engine({ maxOrderQuantity: 100, maxOrderNotional: 1000 }).check(buy(100))).toBeUndefined();
  });
  it('max position per symbol, but reducing is always allowed', () => {
    const r = engine({ maxPositionPerSymbol: 150 }, { pos: { NVDA: 100 } });
    expect(r.check(buy(100))).toBe('position in NVDA could reach 200 (100 held, 0 in working buys, 100 in this order), beyond max 150');
    expect(r.check(sell(100))).toBeUndefined();
  });
  it('max position counts working orders per side: position + working buys + order <= max, position - working sells - order >= -max', () => {
    const r = engine({ maxPositionPerSymbol: 100 }, { pos: { NVDA: 0 }, working: [working('BUY', 100), working('SELL', 60)] });
    expect(r.check(buy(1))).toBe('position in NVDA could reach 101 (0 held, 100 in working buys, 1 in this order), beyond max 100');
    expect(r.check(sell(40))).toBeUndefined();
    expect(r.check(sell(41))).toBe('position in NVDA could reach -101 (0 held, 60 in working sells, 41 in this order), beyond max 100');
    // Another symbol's working orders do not count.
    expect(engine({ maxPositionPerSymbol: 100 }, { working: [working('BUY', 100, { symbol: 'ORCL' })] }).check(buy(100))).toBeUndefined();
  });
  it('max gross exposure, with working orders valued at their limit price', () => {
    expect(engine({ maxGrossExposure: 5000 }, { gross: 4500 }).check(buy(100))).toBe('gross exposure could reach 5500.00 with working orders, beyond max 5000');
    const r = engine({ maxGrossExposure: 5000 }, { working: [working('BUY', 300, { price: 12 })] });
    expect(r.check(buy(100))).toBeUndefined(); // 3600 working + 1000
    expect(r.check(buy(200))).toBe('gross exposure could reach 5600.00 with working orders, beyond max 5000');
    // A sell against working buys does not add to the worst case.
    expect(r.check(sell(100))).toBeUndefined();
  });
  it('symbol allow-list', () => {
    expect(engine({ allowedSymbols: ['ORCL'] }).check(buy(1))).toBe('symbol NVDA is not in the allow-list (ORCL)');
  });
  it('price band: a limit or stop price too far from the last price is refused (fat finger)', () => {
    const r = engine({ priceBandPercent: 10 }, { price: 100 });
    expect(r.check(buy(1, { orderType: 'LMT', limitPrice: 109 }))).toBeUndefined();
    expect(r.check(buy(1, { orderType: 'LMT', limitPrice: 1000 }))).toBe('price 1000 is 900.00% from the last price 100, beyond the 10% band');
    expect(r.check(sell(1, { orderType: 'STP', auxPrice: 80 }))).toBe('price 80 is 20.00% from the last price 100, beyond the 10% band');
    expect(r.check(sell(1, { orderType: 'STP_LMT', auxPrice: 95, limitPrice: 50 }))).toBe('price 50 is 50.00% from the last price 100, beyond the 10% band');
    // A trailing order's auxPrice is an amount, not a price; market orders name no price.
    expect(r.check(sell(1, { orderType: 'TRAIL', auxPrice: 50 }))).toBeUndefined();
    expect(r.check(buy(1))).toBeUndefined();
  });
  it('max open orders counts working and in-flight orders (not those being cancelled)', () => {
    const list = [working('BUY', 1), working('SELL', 1)];
    const r = engine({ maxOpenOrders: 2 }, { working: list });
    expect(r.check(buy(1))).toBe('open orders would be 3, beyond max 2');
    list[0] = working('BUY', 1, { cancelRequested: true });
    expect(r.check(buy(1))).toBeUndefined();
  });
  it('order rate cap per minute of venue time', () => {
    let t = 0;
    const r = engine({ maxOrdersPerMinute: 2 }, { now: () => t });
    expect(r.check(buy(1))).toBeUndefined();
    expect(r.check(buy(1))).toBeUndefined();
    expect(r.check(buy(1))).toBe('order rate cap 2/min reached');
    t = 60_001;
    expect(r.check(buy(1))).toBeUndefined();
  });
});

describe('daily loss', () => {
  it('the day starts at the equity of the last mark before the day changed; a mark past the limit halts at once', () => {
    let equity = 100_000;
    let day = 1;
    const r = engine({ dailyLossLimit: 1000 }, { pos: { NVDA: 50 }, equity: () => equity, day: () => day });
    r.onMark();
    equity = 99_500;
    r.onMark(); // the close of day 1
    day = 2;
    equity = 98_600; // day 2's first mark: 900 below day 1's close, not 1400 below day 1's open
    r.onMark();
    expect(r.haltReason).toBeUndefined();
    expect(r.check(buy(1))).toBeUndefined();
    equity = 98_500;
    r.onMark();
    expect(r.currentHalt).toEqual({ cause: 'daily-loss', text: 'daily loss limit 1000 reached (equity 98500.00 from 99500.00 at the day\'s start)' });
    expect(r.check(buy(1))).toMatch(/^trading halted: daily loss limit 1000 reached/);
    expect(r.check(sell(50))).toBeUndefined();
    day = 3; // the halt is sticky: a tripped limit stays tripped for the run
    equity = 100_000;
    r.onMark();
    expect(r.check(buy(1))).toMatch(/halted/);
  });

  it('a resumed run keeps the day\'s losses: the day and its starting equity are handed on and restored', () => {
    let equity = 100_000;
    const days: Array<[number, number]> = [];
    const book = { equity: () => equity, day: () => 7 };
    const first = new RiskEngine({ dailyLossLimit: 1000 }, { ...view(book) }, (d, e) => days.push([d, e]));
    first.onMark();
    equity = 99_400; // 600 lost today, then the process dies
    first.onMark();
    expect(days).toEqual([[7, 100_000]]);
    // The resumed run on the same day: another 600 is 1200 from the day's start, not 600 from the resume.
    const resumed = new RiskEngine({ dailyLossLimit: 1000 }, view(book));
    resumed.restoreDay(...days[0]!);
    equity = 98_800;
    resumed.onMark();
    expect(resumed.currentHalt?.cause).toBe('daily-loss');
    const fresh = new RiskEngine({ dailyLossLimit: 1000 }, view(book)); // what a resume did before
    fresh.onMark();
    expect(fresh.currentHalt).toBeUndefined();
  });
});

describe('halts', () => {
  const causes: HaltCause[] = ['daily-loss', 'kill-switch', 'strategy-error', 'operator', 'venue'];
  it.each(causes)('%s allows reduce-only orders and nothing else', (cause) => {
    const r = engine({}, { pos: { NVDA: 100 }, working: [working('SELL', 30)] });
    r.halt(cause, `stopped by ${cause}`);
    expect(r.currentHalt).toEqual({ cause, text: `stopped by ${cause}` });
    expect(r.haltReason).toBe(`stopped by ${cause}`);
    expect(r.check(buy(1))).toBe(`trading halted: stopped by ${cause}`);
    expect(r.check(sell(70))).toBeUndefined();
    // With the working sell of 30, a sell of 71 would flip the position: not reduce-only.
    expect(r.check(sell(71))).toBe(`trading halted: stopped by ${cause}`);
  });
  it('the first halt is kept', () => {
    const r = engine({});
    r.halt('kill-switch', 'kill switch');
    r.halt('venue', 'venue: kicked out');
    expect(r.currentHalt?.cause).toBe('kill-switch');
    expect(r.check(buy(1))).toBe('trading halted: kill switch');
  });
});
