import { describe, expect, it } from 'vitest';
import { MatchingEngine, OrderStateError, OrderValidationError, perShareFees, tieredFees, type MarketBar, type NewOrder } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30); // 09:30 New York
let t = T0;
const bar = (open: number, high: number, low: number, close: number, volume = 1_000_000, time?: number): MarketBar => {
  t = time ?? t + DAY;
  return { symbol: 'XYZ', time: t, open, high, low, close, volume };
};
const order = (o: Partial<NewOrder>): NewOrder => ({ account: 'A', symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 100, timeInForce: 'GTC', ...o });
const engine = (extra: ConstructorParameters<typeof MatchingEngine>[0] = {}) => new MatchingEngine({ fees: perShareFees(0), initialCash: 1_000_000, ...extra });
const fills = (e: MatchingEngine) => e.fillsOf('A').map((f) => [f.action, f.quantity, f.price]);

describe('MatchingEngine fills per order type (hand-computed)', () => {
  it('MKT fills at the next bar open', () => {
    const e = engine();
    e.submit(order({}), T0);
    e.onBar(bar(10, 11, 9, 10.5));
    expect(fills(e)).toEqual([['BUY', 100, 10]]);
    expect(e.position('A', 'XYZ')).toMatchObject({ quantity: 100, averageCost: 10, lastPrice: 10.5 });
  });

  it('LMT buy: waits, fills at the limit when traded through, at the open when gapped through', () => {
    const e = engine();
    const { order: a } = e.submit(order({ orderType: 'LMT', limitPrice: 9.5 }), T0);
    e.onBar(bar(10, 10.2, 9.6, 10));
    expect(a.status).toBe('Submitted');
    e.onBar(bar(9.8, 9.9, 9.4, 9.6));
    e.submit(order({ orderType: 'LMT', limitPrice: 9.5 }), t);
    e.onBar(bar(9.0, 9.2, 8.9, 9.1));
    expect(fills(e)).toEqual([['BUY', 100, 9.5], ['BUY', 100, 9.0]]);
  });

  it('LMT sell fills at the limit when the high reaches it', () => {
    const e = engine();
    e.submit(order({ action: 'SELL', orderType: 'LMT', limitPrice: 11 }), T0);
    e.onBar(bar(10, 11.2, 9.9, 11));
    expect(fills(e)).toEqual([['SELL', 100, 11]]);
  });

  it('STP buy triggers at the stop, or at the open on a gap; STP sell mirrors', () => {
    const e = engine();
    e.submit(order({ orderType: 'STP', auxPrice: 10.5 }), T0);
    e.submit(order({ orderType: 'STP', auxPrice: 10.5 }), T0);
    e.onBar(bar(10, 10.6, 9.9, 10.4, 1_000_000));
    e.submit(order({ orderType: 'STP', auxPrice: 10.5 }), t);
    e.onBar(bar(10.8, 11, 10.7, 10.9));
    e.submit(order({ action: 'SELL', orderType: 'STP', auxPrice: 9.5, quantity: 50 }), t);
    e.onBar(bar(10, 10.1, 9.4, 9.6));
    expect(fills(e)).toEqual([['BUY', 100, 10.5], ['BUY', 100, 10.5], ['BUY', 100, 10.8], ['SELL', 50, 9.5]]);
  });

  it('STP_LMT fills at the stop when within the limit; rests as a limit when not', () => {
    const e = engine();
    e.submit(order({ orderType: 'STP_LMT', auxPrice: 10.5, limitPrice: 10.6 }), T0);
    const { order: b } = e.submit(order({ orderType: 'STP_LMT', auxPrice: 10.5, limitPrice: 10.4 }), T0);
    e.onBar(bar(10, 10.7, 9.9, 10.6));
    expect(fills(e)).toEqual([['BUY', 100, 10.5]]);
    expect(b).toMatchObject({ status: 'Submitted', triggered: true });
    e.onBar(bar(10.3, 10.5, 10.2, 10.4));
    expect(fills(e)).toEqual([['BUY', 100, 10.5], ['BUY', 100, 10.3]]);
  });

  it('TRAIL sell follows the high by the amount and triggers at the trailed stop', () => {
    const e = engine();
    e.submit(order({}), T0);
    e.onBar(bar(10, 10, 10, 10));
    const { order: tr } = e.submit(order({ action: 'SELL', orderType: 'TRAIL', auxPrice: 1 }), t);
    e.onBar(bar(10, 12, 9.8, 11.8)); // stop starts 9, not hit (low 9.8), then trails to 11
    expect(tr.trailStop).toBe(11);
    e.onBar(bar(11.5, 11.6, 10.9, 11)); // hits 11
    expect(fills(e)).toEqual([['BUY', 100, 10], ['SELL', 100, 11]]);
  });

  it('TRAIL buy by percent trails the low', () => {
    const e = engine();
    const { order: tr } = e.submit(order({ orderType: 'TRAIL', trailingPercent: 10 }), T0);
    e.onBar(bar(10, 10.5, 8, 8.5)); // stop 11 (10 + 10%), not hit; trails to 8.8
    expect(tr.trailStop).toBeCloseTo(8.8);
    e.onBar(bar(9.0, 9.1, 8.9, 9.0)); // open 9.0 gaps above 8.8
    expect(fills(e)).toEqual([['BUY', 100, 9.0]]);
  });
});

describe('MatchingEngine volume, time in force, fees, ledger', () => {
  it('caps fills by bar-volume participation: partial fills, Submitted with filled > 0, then Filled', () => {
    const e = engine({ participation: 0.1 });
    const { order: o } = e.submit(order({ quantity: 120 }), T0);
    e.onBar(bar(10, 10, 10, 10, 500));
    expect(o).toMatchObject({ status: 'Submitted', filled: 50 });
    e.onBar(bar(11, 11, 11, 11, 500));
    e.onBar(bar(12, 12, 12, 12, 500));
    expect(o).toMatchObject({ status: 'Filled', filled: 120, avgFillPrice: (50 * 10 + 50 * 11 + 20 * 12) / 120 });
    expect(fills(e)).toEqual([['BUY', 50, 10], ['BUY', 50, 11], ['BUY', 20, 12]]);
  });

  it('orders of one symbol share the volume cap, oldest first', () => {
    const e = engine({ participation: 0.1 });
    e.submit(order({ quantity: 30 }), T0);
    e.submit(order({ quantity: 30 }), T0);
    e.onBar(bar(10, 10, 10, 10, 500));
    expect(e.fillsOf('A').map((f) => [e.order(f.orderId)!.seq, f.quantity])).toEqual([[1, 30], [2, 20]]);
  });

  it('DAY orders expire when a later session day begins; GTC orders stay', () => {
    const e = engine();
    const { order: day } = e.submit(order({ orderType: 'LMT', limitPrice: 5, timeInForce: 'DAY' }), T0);
    const { order: gtc } = e.submit(order({ orderType: 'LMT', limitPrice: 5, timeInForce: 'GTC' }), T0);
    e.onBar(bar(10, 10, 10, 10, 1e6, T0 + 1000));
    e.onBar(bar(10, 10, 10, 10, 1e6, T0 + 5 * 60_000));
    expect(day.status).toBe('Submitted');
    const events = e.onBar(bar(10, 10, 10, 10, 1e6, T0 + DAY));
    expect(day).toMatchObject({ status: 'Cancelled', remark: expect.stringMatching(/expired/) });
    expect(events).toHaveLength(1);
    expect(gtc.status).toBe('Submitted');
  });

  it('Hong Kong (five-digit symbol): a DAY order lives through the lunch break to the 16:00 close and expires with the next Hong Kong session day', () => {
    const e = engine();
    // 2024-06-03, Hong Kong time (UTC+8): 09:30 is 21:30 of June 2 in New York, 13:00 is 01:00 of June 3.
    const hk = (hhmm: string, date = '2024-06-03') => Date.parse(`${date}T${hhmm}:00+08:00`);
    const hkBar = (time: number, low: number): MarketBar => ({ symbol: '00700', time, open: 302, high: 303, low, close: 302, volume: 1e6 });
    const hkOrder = (limitPrice: number): NewOrder => ({ account: 'A', symbol: '00700', action: 'BUY', orderType: 'LMT', limitPrice, quantity: 100, timeInForce: 'DAY' });
    const { order: afternoon } = e.submit(hkOrder(300), hk('09:29'));
    const { order: never } = e.submit(hkOrder(290), hk('09:29'));
    e.onBar(hkBar(hk('09:30'), 301));
    e.onBar(hkBar(hk('11:59'), 301));
    e.onBar(hkBar(hk('13:00'), 301)); // the afternoon session: the same Hong Kong day
    expect([afternoon.status, never.status]).toEqual(['Submitted', 'Submitted']);
    e.onBar(hkBar(hk('15:59'), 299)); // the last minute before the 16:00 close reaches 300
    expect(e.fillsOf('A').map((f) => [f.orderId, f.quantity, f.price])).toEqual([[afternoon.id, 100, 300]]);
    expect(never.status).toBe('Submitted');
    const events = e.onBar(hkBar(hk('09:30', '2024-06-04'), 301));
    expect(never).toMatchObject({ status: 'Cancelled', remark: 'DAY order expired at the end of its session' });
    expect(events).toHaveLength(1);
  });

  it('charges the TradeUP-like schedule per order (minimums once, regulatory fees on sells)', () => {
    const e = engine({ fees: tieredFees() });
    e.submit(order({}), T0);
    e.onBar(bar(10, 10, 10, 10));
    e.submit(order({ action: 'SELL' }), t);
    e.onBar(bar(11, 11, 11, 11));
    const [buy, sell] = e.fillsOf('A');
    expect(buy!.commission).toBe(1.99); // 0.99 commission min + 1.00 platform min
    expect(sell!.commission).toBe(2.04); // 1.99 + SEC 1100*0.0000278 + TAF 100*0.000166
    expect(e.summary('A')).toMatchObject({ cash: 1_000_000 - 1000 - 1.99 + 1100 - 2.04, realizedPnl: 100, commissions: 4.03 });
  });

  it('a partially filled order pays the same fees as one filled at once', () => {
    const whole = engine({ fees: tieredFees() });
    whole.submit(order({ quantity: 1000 }), T0);
    whole.onBar(bar(10, 10, 10, 10, 1e9));
    const parts = engine({ fees: tieredFees(), participation: 0.1 });
    parts.submit(order({ quantity: 1000 }), T0);
    for (let i = 0; i < 4; i++) parts.onBar(bar(10, 10, 10, 10, 3000));
    expect(parts.order(parts.fillsOf('A')[0]!.orderId)!.commission).toBe(whole.order(whole.fillsOf('A')[0]!.orderId)!.commission);
    expect(parts.fillsOf('A')).toHaveLength(4);
  });

  it('books realized P&L through a flip from long to short and back', () => {
    const e = engine();
    e.ledger.applyFill('A', 'XYZ', 'BUY', 100, 10, 0);
    expect(e.ledger.applyFill('A', 'XYZ', 'SELL', 150, 12, 0)).toBe(200);
    expect(e.position('A', 'XYZ')).toMatchObject({ quantity: -50, averageCost: 12 });
    expect(e.ledger.applyFill('A', 'XYZ', 'BUY', 50, 11, 0)).toBe(50);
    expect(e.position('A', 'XYZ')).toMatchObject({ quantity: 0, averageCost: 0, realizedPnl: 250 });
    expect(e.summary('A').cash).toBe(1_000_000 + 250);
  });

  it('rejects an order beyond buying power as Inactive with the reason', () => {
    const e = engine({ initialCash: 1000 });
    const { order: o, events } = e.submit(order({ orderType: 'LMT', limitPrice: 10, quantity: 200 }), T0);
    expect(o).toMatchObject({ status: 'Inactive', remark: expect.stringMatching(/insufficient buying power: needs 2000.00, has 1000.00/) });
    // Initial first, as the service reports it, then the refusal.
    expect(events.map((ev) => ev.kind === 'order' && ev.order.status)).toEqual(['Initial', 'Inactive']);
    e.onBar(bar(9, 9, 9, 9));
    expect(fills(e)).toEqual([]);
  });

  it('refuses short sales when disallowed', () => {
    const e = engine({ allowShort: false });
    expect(e.submit(order({ action: 'SELL' }), T0).order.status).toBe('Inactive');
  });

  it('validates structure before recording anything', () => {
    const e = engine();
    expect(() => e.submit(order({ quantity: 0 }), T0)).toThrow(OrderValidationError);
    expect(() => e.submit(order({ quantity: 1.5 }), T0)).toThrow(/total_quantity/);
    expect(() => e.submit(order({ orderType: 'LMT' }), T0)).toThrow(/limit_price/);
    expect(() => e.submit(order({ orderType: 'TRAIL', auxPrice: 1, trailingPercent: 2 }), T0)).toThrow(/exactly one/);
    expect(e.ordersOf('A')).toEqual([]);
  });

  it('cancel goes PendingCancel -> Cancelled; finished orders cannot be cancelled or modified', () => {
    const e = engine();
    const { order: o } = e.submit(order({ orderType: 'LMT', limitPrice: 5 }), T0);
    expect(e.cancel(o.id, T0 + 1).map((ev) => (ev.kind === 'order' ? ev.order.status : ev.kind))).toEqual(['PendingCancel', 'Cancelled']);
    expect(() => e.cancel(o.id, T0 + 2)).toThrow(OrderStateError);
    expect(() => e.modify(o.id, { limitPrice: 6 }, T0 + 2)).toThrow(/Cancelled/);
    expect(() => e.cancel('1', T0)).toThrow(/not found/);
  });

  it('modify changes price and quantity, never below what is filled', () => {
    const e = engine({ participation: 0.1 });
    const { order: o } = e.submit(order({ orderType: 'LMT', limitPrice: 5, quantity: 100 }), T0);
    e.modify(o.id, { limitPrice: 10.5 }, T0);
    e.onBar(bar(10, 10, 10, 10, 300));
    expect(o.filled).toBe(30);
    expect(() => e.modify(o.id, { quantity: 20 }, t)).toThrow(/at least the 30/);
    e.modify(o.id, { quantity: 30 }, t);
    expect(o.status).toBe('Filled');
  });

  it('keeps running account totals equal to a full recomputation', () => {
    const e = engine({ participation: 0.3 });
    let px = 20;
    for (let i = 0; i < 200; i++) {
      if (i % 5 === 0) e.submit(order({ action: i % 10 === 0 ? 'BUY' : 'SELL', quantity: 50 + i }), T0 + i * DAY);
      const o = px;
      px = px * (i % 3 === 0 ? 1.02 : 0.99);
      e.onBar({ symbol: 'XYZ', time: T0 + (i + 1) * DAY, open: o, high: Math.max(o, px), low: Math.min(o, px), close: px, volume: 500 });
      const fast = e.summary('A');
      const scan = e.ledger.summaryByScan('A');
      expect(fast.netLiquidation).toBeCloseTo(scan.netLiquidation, 6);
      expect(fast.grossPositionValue).toBeCloseTo(scan.grossPositionValue, 6);
      expect(fast.unrealizedPnl).toBeCloseTo(scan.unrealizedPnl, 6);
    }
  });

  it('is deterministic: the same commands and bars give the same fills', () => {
    const run = () => {
      const e = engine({ participation: 0.05, fees: tieredFees(), slippageBps: 3 });
      let px = 50;
      let x = 42;
      const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let i = 0; i < 300; i++) {
        if (i % 7 === 0) e.submit(order({ action: rnd() > 0.5 ? 'BUY' : 'SELL', orderType: (['MKT', 'LMT', 'STP', 'TRAIL'] as const)[i % 4], quantity: 10 + Math.floor(rnd() * 500), limitPrice: px * 0.99, auxPrice: i % 4 === 3 ? 1 : px * 1.01 }), T0 + i * DAY);
        const o = px;
        px = Math.max(1, px * (1 + (rnd() - 0.5) * 0.06));
        e.onBar({ symbol: 'XYZ', time: T0 + (i + 1) * DAY, open: o, high: Math.max(o, px) * 1.01, low: Math.min(o, px) * 0.99, close: px, volume: 20_000 });
      }
      return JSON.stringify([e.fillsOf('A'), e.summary('A')]);
    };
    const a = run();
    expect(a).toBe(run());
    expect(JSON.parse(a)[0].length).toBeGreaterThan(10);
  });
});

describe('SessionDay', () => {
  it('gives New York session days across the DST changes', async () => {
    const { SessionDay } = await import('../src/index.ts');
    const d = new SessionDay('America/New_York');
    // 2024-03-10 02:00 EST -> EDT; 2024-11-03 02:00 EDT -> EST.
    const ny = (iso: string) => d.of(Date.parse(iso));
    expect(ny('2024-03-09T23:59:00-05:00')).toBe(ny('2024-03-09T00:00:00-05:00'));
    expect(ny('2024-03-10T23:59:00-04:00') - ny('2024-03-09T12:00:00-05:00')).toBe(1);
    expect(ny('2024-03-11T00:00:00-04:00') - ny('2024-03-10T23:59:00-04:00')).toBe(1);
    expect(ny('2024-11-03T23:30:00-05:00') - ny('2024-11-03T00:30:00-04:00')).toBe(0);
    expect(ny('2024-11-04T00:00:00-05:00') - ny('2024-11-03T23:59:00-05:00')).toBe(1);
    expect(() => new SessionDay('Mars/Olympus')).toThrow(/not an IANA time zone/);
  });

  it('gives the right day just after a clock change that was near when it was last asked (Sao Paulo went back at midnight on 2019-02-17)', async () => {
    const { SessionDay } = await import('../src/index.ts');
    const d = new SessionDay('America/Sao_Paulo');
    const day = (y: number, m: number, dd: number) => Date.UTC(y, m - 1, dd) / 86_400_000;
    expect(d.of(Date.parse('2019-02-17T01:45:00Z'))).toBe(day(2019, 2, 16)); // 23:45 at -02
    // 02:30Z is 23:30 at -03 after the change: still the 16th (before, the offset kept from 01:45 dated it the 17th).
    expect(d.of(Date.parse('2019-02-17T02:30:00Z'))).toBe(day(2019, 2, 16));
    expect(d.of(Date.parse('2019-02-17T03:00:00Z'))).toBe(day(2019, 2, 17));
  });
});
