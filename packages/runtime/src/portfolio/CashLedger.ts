import { isTerminal, WorkingOrderMap, type AccountAssets, type Fill, type Order } from '@pounce/core';
import type { FeeModel } from '@pounce/matching';

/** Fees of one order as the runtime has booked them into cash. */
interface OrderFees {
  /** Quantity and value of the order's fills seen so far. */
  quantity: number;
  value: number;
  /** Fees from those fills: reported with each fill, else estimated from the fee schedule. */
  fromFills: number;
  /** The venue's cumulative commission for the order, and the filled quantity it covers. */
  venue: { commission: number; filled: number } | undefined;
  booked: number;
  /** Time of the latest fill: the fee belongs to that execution. */
  time: number;
  /** A final status was seen: a later (stale) update does not make the entry working again. */
  final: boolean;
}

/** Finished orders per generation of remembered fees (between 10k and 20k are kept, and every working one). */
const GENERATION = 10_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Cash as the runtime knows it: the venue's last cash figure plus the moves (fill notionals and
 * fees) that figure does not reflect yet. A fill moves cash at once; the venue's asset updates and
 * reconciliation replace the figure.
 *
 * Which moves an asset figure reflects is decided by time: a figure stamped T reflects every fill
 * and fee up to and including T (moves stamped after T stay on top of it); a figure older than the
 * one held is stale and ignored; a figure without a time reflects everything that arrived before
 * it. A fill stamped at or before the figure held is taken as already in it.
 *
 * Fees: the fill's own `commission` when the venue reports one, else an estimate from `estimate`
 * (the fee schedule); once the venue reports the order's cumulative commission for at least the
 * fills seen, that figure replaces the fills' sum.
 */
export class CashLedger {
  private base = 0;
  private baseTime = -Infinity;
  private moves: Array<{ time: number; amount: number }> = [];
  private unreflected = 0;
  /**
   * Kept while the order works, however long (a GTC order filled again weeks later must find what
   * was booked for it, or its cumulative commission is booked twice); the newest finished ones after.
   */
  private readonly fees = new WorkingOrderMap<string, OrderFees>(GENERATION);

  /**
   * `venueFigures: false` for a book no venue figure will ever correct (a node strategy's own book:
   * the account's figures are not its): each move goes straight into the cash held instead of
   * waiting, one by one, for a figure that would take it in, which would only grow.
   */
  constructor(private readonly estimate?: FeeModel, private readonly venueFigures = true) {}

  get cash(): number {
    return this.base + this.unreflected;
  }

  get movesWaiting(): number {
    return this.moves.length;
  }

  /** BUY: -quantity*price - fee; SELL: +quantity*price - fee. */
  onFill(f: Fill): void {
    let o = this.fees.get(f.orderId);
    // Among the finished ones until an order update says the order still works: a fill whose
    // order's final update never comes (a resumed book's old fills, a lost push) must not be kept for ever.
    if (!o) this.fees.set(f.orderId, (o = blankFees()), false);
    const before = this.estimate?.orderFee(f.action, o.quantity, o.value) ?? 0;
    o.quantity += f.quantity;
    o.value += f.quantity * f.price;
    o.time = f.time;
    o.fromFills = round2(o.fromFills + (f.commission ?? (this.estimate ? this.estimate.orderFee(f.action, o.quantity, o.value) - before : 0)));
    this.move(f.time, (f.action === 'BUY' ? -1 : 1) * f.quantity * f.price);
    this.rebook(o);
  }

  /** An order update: its cumulative commission is the venue's word on the order's fees. */
  onOrder(order: Order): void {
    const final = isTerminal(order.status);
    const known = this.fees.get(order.id);
    if (!known && order.commission === 0) {
      // Nothing to book; a final order is remembered as such (a fill after it finds it).
      if (final) this.fees.set(order.id, { ...blankFees(), final: true }, false);
      return;
    }
    const o = known ?? blankFees();
    // A stale update (out of order, or after the final one) is not the venue's latest word.
    if ((o.final && !final) || (o.venue !== undefined && order.filledQuantity < o.venue.filled)) return;
    if (o.time === 0) o.time = order.updateTime;
    o.venue = { commission: order.commission, filled: order.filledQuantity };
    this.rebook(o);
    // Kept while the venue says the order works; among the newest finished ones once it is final.
    o.final ||= final;
    this.fees.set(order.id, o, !o.final);
  }

  /** Orders whose fee entry is kept because they still work (bounded by the working orders). */
  get feeEntriesWorking(): number {
    return this.fees.workingSize;
  }

  /** Replaces the cash figure with the venue's (asset push or reconciliation). */
  setAssets(a: AccountAssets): void {
    if (a.time > 0 && a.time < this.baseTime) return;
    this.base = a.cashBalance;
    this.baseTime = a.time > 0 ? a.time : this.baseTime;
    this.moves = a.time > 0 ? this.moves.filter((m) => m.time > a.time) : [];
    this.unreflected = this.moves.reduce((sum, m) => sum + m.amount, 0);
  }

  private rebook(o: OrderFees): void {
    const fee = o.venue && o.venue.filled >= o.quantity ? o.venue.commission : o.fromFills;
    if (fee === o.booked) return;
    this.move(o.time, o.booked - fee);
    o.booked = fee;
  }

  private move(time: number, amount: number): void {
    // The venue's figure stamped T already has every move up to T: the venues publish an instant's
    // asset figure once all of that instant's fills are booked, so a fill stamped T that arrives
    // after it is already in it (adding it again counted it twice).
    if (time <= this.baseTime) return;
    if (!this.venueFigures) {
      this.base += amount;
      return;
    }
    this.moves.push({ time, amount });
    this.unreflected += amount;
  }

}

const blankFees = (): OrderFees => ({ quantity: 0, value: 0, fromFills: 0, venue: undefined, booked: 0, time: 0, final: false });
