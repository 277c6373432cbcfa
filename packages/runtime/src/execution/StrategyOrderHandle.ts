import type { Observable } from 'rxjs';
import type { Fill, Order } from '@pounce/core';
import type { OrderChanges, OrderHandle, SubmittedOrder } from '../strategy/types.ts';
import type { OrderTrack } from './OrderHandles.ts';

/** What a handle needs from the engine that made it. */
export interface HandleOwner {
  /** Contains the strategy's callbacks on a stream (and ends it with the run). */
  guard<T>(obs: Observable<T>, name: string): Observable<T>;
  cancel(orderId: string): Promise<void>;
  modify(orderId: string, changes: OrderChanges): Promise<void>;
}

/**
 * The handle `submit` resolves with. A class rather than an object with defined properties: one
 * shape for every handle and no closures or descriptors per order (building each handle with
 * Object.defineProperties was a measurable share of a backtest's cost per order). The outcome
 * fields are its only own enumerable ones, so a spread or JSON of a handle is the SubmittedOrder;
 * streams and commands live on the prototype and are built on first use (most handles are
 * dropped unread, `void ctx.submit(...)`).
 */
export class StrategyOrderHandle implements OrderHandle {
  readonly clientOrderId: string;
  readonly orderId: string | undefined;
  declare readonly rejected?: string;
  declare readonly pending?: string;
  readonly #owner: HandleOwner;
  readonly #track: OrderTrack;
  #status$: Observable<Order> | undefined;
  #fills$: Observable<Fill> | undefined;

  constructor(r: SubmittedOrder, track: OrderTrack, owner: HandleOwner) {
    this.clientOrderId = r.clientOrderId;
    this.orderId = r.orderId;
    // Only when set, as on a SubmittedOrder (equal in tests, logs and JSON).
    if (r.rejected !== undefined) (this as { rejected?: string }).rejected = r.rejected;
    if (r.pending !== undefined) (this as { pending?: string }).pending = r.pending;
    this.#owner = owner;
    this.#track = track;
  }

  get status$(): Observable<Order> {
    return (this.#status$ ??= this.#owner.guard(this.#track.status$, 'order status$'));
  }

  get fills$(): Observable<Fill> {
    return (this.#fills$ ??= this.#owner.guard(this.#track.fills$, 'order fills$'));
  }

  // Getters returning bound functions: `const { cancel } = handle` keeps working as it did.
  get cancel(): () => Promise<void> {
    return () => (this.orderId === undefined ? this.#notAccepted() : this.#owner.cancel(this.orderId));
  }

  get modify(): (changes: OrderChanges) => Promise<void> {
    return (changes) => (this.orderId === undefined ? this.#notAccepted() : this.#owner.modify(this.orderId, changes));
  }

  #notAccepted(): Promise<never> {
    return Promise.reject(new Error(`order ${this.clientOrderId} was not accepted (${this.rejected ?? this.pending ?? 'no order id'})`));
  }
}
