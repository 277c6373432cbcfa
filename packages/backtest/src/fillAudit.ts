import type { Fill, Order } from '@pounce/core';

/** A fill as the audit trail records it: the venue's fill, its fee and the client order id. */
export interface BacktestFill extends Fill {
  /** Commission and fees charged for this fill. */
  fee: number;
  /** The runtime's client order id (sent as the order's userMark). */
  clientOrderId: string;
}

const FINAL = new Set(['Filled', 'Cancelled', 'Inactive', 'Invalid']);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The fill's own fields, in its order, then fee and client id (a spread of the fill cost more per fill). */
function audited(f: Fill, fee: number, clientOrderId: string): BacktestFill {
  // `commission` where the venue reports it (the backtester does), between time and fee as the spread put it.
  if (f.commission === undefined) return { id: f.id, orderId: f.orderId, account: f.account, symbol: f.symbol, action: f.action, price: f.price, quantity: f.quantity, time: f.time, fee, clientOrderId };
  return { id: f.id, orderId: f.orderId, account: f.account, symbol: f.symbol, action: f.action, price: f.price, quantity: f.quantity, time: f.time, commission: f.commission, fee, clientOrderId };
}

/**
 * Completes each fill with its fee and client order id. The venue's fill (like order_transactions
 * on the wire) carries neither; the order update that follows it carries the order's cumulative
 * commission and its userMark, so a fill's fee is the growth of its order's commission. Memory is
 * bounded by the orders open at once, not by the number of fills.
 */
export class FillAudit {
  /** Commission charged so far, per order not yet final. */
  private readonly charged = new Map<string, number>();
  /** Fills waiting for their order's next update. */
  private readonly waiting = new Map<string, Fill[]>();

  constructor(private readonly emit: (f: BacktestFill) => void) {}

  fill(f: Fill): void {
    const list = this.waiting.get(f.orderId);
    if (list) list.push(f);
    else this.waiting.set(f.orderId, [f]);
  }

  order(o: Order): void {
    // Orders refused before reaching the venue have no id and no fills.
    if (o.id === '') return;
    const before = this.charged.get(o.id) ?? 0;
    const fills = this.waiting.get(o.id);
    if (fills) {
      this.waiting.delete(o.id);
      const total = round6(o.commission - before);
      const quantity = fills.reduce((n, f) => n + f.quantity, 0);
      // A backtest venue sends one update per fill; should several share one, they share its fee by quantity.
      let given = 0;
      fills.forEach((f, i) => {
        const fee = i === fills.length - 1 ? round6(total - given) : round6((total * f.quantity) / quantity);
        given += fee;
        this.emit(audited(f, fee, o.userMark));
      });
    }
    if (FINAL.has(o.status)) this.charged.delete(o.id);
    else this.charged.set(o.id, o.commission);
  }

  /** Throws if a fill never got its order's update (its fee would be unknown). */
  finish(): void {
    if (this.waiting.size > 0) throw new Error(`fill audit: ${this.waiting.size} order(s) had fills but no order update after them; fees unknown`);
  }
}
