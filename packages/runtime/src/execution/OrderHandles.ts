import { ReplaySubject, type Observable } from 'rxjs';
import type { Fill, Order } from '@pounce/core';

const FINAL = new Set(['Filled', 'Cancelled', 'Inactive', 'Invalid']);

/** One submitted order's streams, fed by the execution engine. */
export interface OrderTrack {
  readonly status$: Observable<Order>;
  readonly fills$: Observable<Fill>;
}

/**
 * One order's state and streams. The ReplaySubjects are made on first read of `status$`/`fills$`
 * and then replay what the track saw: most handles are never read, and two subjects per order were
 * a measurable share of a backtest's cost per order.
 */
class Track implements OrderTrack {
  orderId: string | undefined = undefined;
  filled = 0;
  final: Order | undefined = undefined;
  /** The latest update and every fill, kept only until a stream is asked for. */
  private latest: Order | undefined = undefined;
  private received: Fill[] | undefined = undefined;
  private statusClosed = false;
  private fillsClosed = false;
  private statusSubject: ReplaySubject<Order> | undefined = undefined;
  private fillsSubject: ReplaySubject<Fill> | undefined = undefined;

  constructor(readonly cid: string) {}

  get status$(): Observable<Order> {
    if (!this.statusSubject) {
      this.statusSubject = new ReplaySubject<Order>(1);
      if (this.latest) this.statusSubject.next(this.latest);
      if (this.statusClosed) this.statusSubject.complete();
      this.latest = undefined;
    }
    return this.statusSubject.asObservable();
  }

  get fills$(): Observable<Fill> {
    if (!this.fillsSubject) {
      this.fillsSubject = new ReplaySubject<Fill>();
      for (const f of this.received ?? []) this.fillsSubject.next(f);
      if (this.fillsClosed) this.fillsSubject.complete();
      this.received = undefined;
    }
    return this.fillsSubject.asObservable();
  }

  status(o: Order): void {
    if (this.statusSubject) this.statusSubject.next(o);
    else this.latest = o;
  }

  fill(f: Fill): void {
    if (this.fillsSubject) this.fillsSubject.next(f);
    else (this.received ??= []).push(f);
  }

  closeStatus(): void {
    this.statusClosed = true;
    this.statusSubject?.complete();
  }

  closeFills(): void {
    this.fillsClosed = true;
    this.fillsSubject?.complete();
  }
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
    const t = new Track(cid);
    this.byCid.set(cid, t);
    return t;
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
    t.status(o);
    if (FINAL.has(o.status)) {
      t.final = o;
      t.closeStatus();
      this.settle(t);
    }
  }

  onFill(f: Fill): void {
    const t = this.byId.get(f.orderId);
    if (!t) return;
    t.filled += f.quantity;
    t.fill(f);
    this.settle(t);
  }

  /** Every track still open (at stop: their streams complete). */
  closeAll(): void {
    for (const t of this.byCid.values()) {
      t.closeStatus();
      t.closeFills();
    }
    this.byCid.clear();
    this.byId.clear();
  }

  private settle(t: Track): void {
    if (!t.final || t.filled < t.final.filledQuantity) return;
    t.closeFills();
    this.byCid.delete(t.cid);
    if (t.orderId !== undefined) this.byId.delete(t.orderId);
  }
}
