import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MatchingEngine, perShareFees, type NewOrder } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const SYMBOLS = ['A', 'B', 'C'];

type Command =
  | { kind: 'submit'; symbol: number; buy: boolean; qty: number; limit: number | undefined }
  | { kind: 'bar'; symbol: number; price: number; volume: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'modify'; pick: number; qty: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), symbol: fc.nat(2), buy: fc.boolean(), qty: fc.integer({ min: 1, max: 400 }), limit: fc.option(fc.double({ min: 1, max: 50, noNaN: true }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('bar' as const), symbol: fc.nat(2), price: fc.double({ min: 1, max: 50, noNaN: true }), volume: fc.constantFrom(0, 1, 600) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('modify' as const), pick: fc.nat(20), qty: fc.integer({ min: 1, max: 400 }) }),
);

/** The committed notional recomputed from public state by a full scan of open orders. */
function scannedCommitted(e: MatchingEngine): number {
  let committed = 0;
  for (const w of e.openOrders('P')) committed += (w.quantity - w.filled) * (w.limitPrice ?? w.auxPrice ?? e.lastPrice(w.symbol) ?? 0);
  return committed;
}

/** What the buying-power check must decide, from public state. */
function expectedRefusal(e: MatchingEngine, req: NewOrder): boolean {
  const pos = e.position('P', req.symbol).quantity;
  const price = req.limitPrice ?? e.lastPrice(req.symbol);
  if (price === undefined) return false;
  const increases = req.action === 'BUY' ? Math.max(0, Math.min(req.quantity, req.quantity + pos)) : Math.max(0, req.quantity - Math.max(0, pos));
  return increases * price + scannedCommitted(e) > e.summary('P').buyingPower + 1e-9;
}

describe('buying-power check with the cached committed notional, property-based', () => {
  it('equals a full rescan of open orders after every command, and decides orders as one would', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (commands) => {
        const e = new MatchingEngine({ fees: perShareFees(0), initialCash: 20_000, participation: 0.5 });
        // Volume 1 caps fills at 0 shares: the price moves under open market orders that stay open.
        let t = T0;
        for (const c of commands) {
          const open = e.openOrders('P');
          if (c.kind === 'submit') {
            const req: NewOrder = { account: 'P', symbol: SYMBOLS[c.symbol]!, action: c.buy ? 'BUY' : 'SELL', orderType: c.limit === undefined ? 'MKT' : 'LMT', quantity: c.qty, limitPrice: c.limit, timeInForce: 'GTC' };
            const refused = expectedRefusal(e, req);
            expect(e.submit(req, t).order.status).toBe(refused ? 'Inactive' : 'Submitted');
          } else if (c.kind === 'bar') {
            t += DAY;
            e.onBar({ symbol: SYMBOLS[c.symbol]!, time: t, open: c.price, high: c.price * 1.02, low: c.price * 0.98, close: c.price, volume: c.volume });
          } else if (open.length > 0) {
            const target = open[c.pick % open.length]!;
            if (c.kind === 'cancel') e.cancel(target.id, t);
            else if (c.qty >= target.filled) e.modify(target.id, { quantity: c.qty }, t);
          }
          // Bit-identical, not merely close: the cache adds in the order a rescan does.
          expect(e.committedNotional('P')).toBe(scannedCommitted(e));
        }
      }),
      { numRuns: 400 },
    );
  });
});
