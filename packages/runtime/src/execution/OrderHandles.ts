import { ReplaySubject, type Observable } from 'rxjs';
import type { Fill, Order } from '@pounce/core';

const FINAL = new Set(['Filled', 'Cancelled', 'Inactive', 'Invalid']);

/** One submitted order's streams, fed by the execution engine. */
export interface OrderTrack {
  readonly status$: Observable<Order>;
  readonly fills$: Observable<Fill>;
}

interface Track {
  cid: string;
  orderId: string | undefined;
  status: ReplaySubject<Order>;
  fills: ReplaySubject<Fill>;
  filled: number;
  final: Order | undefined;
}

/**
 * Routes order updates and fills to the order they belong to, by client id (the order's userMark)
 * or venue id. A track replays what it saw to late subscribers: `status$` its latest state (the
 * handle is returned after the venue's first events may have passed), `fills$` every fill. Both
 * complete when the order is final and every fill the venue counted for it has arrived; the track
 * is then forgotten, so memory follows the orders that still work.
 */
export class OrderHandles {
  private readonly byCid = new Map<string, Track>();
  private readonly byId = new Map<string, Track>();

  open(cid: string): OrderTrack {
    const t: Track = { cid, orderId: undefined, status: new ReplaySubject<Order>(1), fills: new ReplaySubject<Fill>(), filled: 0, final: undefined };
    this.byCid.set(cid, t);
    return { status$: t.status.asObservable(), fills$: t.fills.asObservable() };
  }

  /** The venue named the order: later fills find it by id. */
  placed(cid: string, orderId: string): void {
    const t = this.byCid.get(cid);
    if (!t || t.orderId !== undefined) return;
    t.orderId = orderId;
    this.byId.set(orderId, t);
  }

  onOrder(o: Order): void {
    const t = (o.userMark !== '' ? this.byCid.get(o.userMark) : undefined) ?? (o.id !== '' ? this.byId.get(o.id) : undefined);
    if (!t) return;
    if (o.id !== '') this.placed(t.cid, o.id);
    t.status.next(o);
    if (FINAL.has(o.status)) {
      t.final = o;
      t.status.complete();
      this.settle(t);
    }
  }

  onFill(f: Fill): void {
    const t = this.byId.get(f.orderId);
    if (!t) return;
    t.filled += f.quantity;
    t.fills.next(f);
    this.settle(t);
  }

  /** Every track still open (at stop: their streams complete). */
  closeAll(): void {
    for (const t of this.byCid.values()) {
      t.status.complete();
      t.fills.complete();
    }
    this.byCid.clear();
    this.byId.clear();
  }

  private settle(t: Track): void {
    if (!t.final || t.filled < t.final.filledQuantity) return;
    t.fills.complete();
    this.byCid.delete(t.cid);
    if (t.orderId !== undefined) this.byId.delete(t.orderId);
  }
}
