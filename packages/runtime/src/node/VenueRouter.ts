import { Subject, type Subscription } from 'rxjs';
import { isTerminal, WorkingOrderMap, type Fill, type Logger, type Order } from '@pounce/core';
import { parseClientOrderId } from '../execution/clientOrderId.ts';
import type { Venue } from '../venue/Venue.ts';

/**
 * The venue a router shares out. Its `orderById` (now on Venue itself, where the reconcile uses it
 * too) attributes a fill of an order the router has not seen.
 * @deprecated Use `Venue`; this name stays for existing imports.
 */
export type RoutableVenue = Venue;

/** Where one strategy's events go (its venue view feeds its own ledger first, then its engine). */
export interface RouteSink {
  order(o: Order): void;
  fill(f: Fill): void;
  error(e: Error): void;
}

/** Order ids per generation of remembered tags. */
const TAGS_KEPT = 10_000;

/** Tag of an order placed outside Pounce (its userMark is not a Pounce client order id). */
export const EXTERNAL = '';

/**
 * Splits one account's order and fill streams among a node's strategies by the tag in each
 * order's userMark (`pc1.<nonce>.<tag>.<n>`). A fill names only its order id: the router maps ids
 * to tags from order events, place replies and lookups, and holds a fill whose order it does not
 * know yet until one of those names it. Orders placed outside Pounce are kept and reported
 * (`external$`), never routed to a strategy.
 */
export class VenueRouter {
  /**
   * Order id -> tag: of every order not known to be final, however many orders come after (a
   * bracket's leg may work for weeks, and its fills find their strategy only through this), and of
   * the newest finished ones (10k to 20k): a fill or push trails its order by seconds, and an id no
   * longer held is asked of the venue (`resolve`), so a node running for weeks does not keep every
   * order it ever saw.
   */
  private readonly tags = new WorkingOrderMap<string, string>(TAGS_KEPT);
  private readonly held = new Map<string, Fill[]>();
  private readonly sinks = new Map<string, RouteSink>();
  private readonly subs: Subscription[] = [];
  /** Orders placed outside Pounce, latest state by order id. */
  readonly externalOrders = new Map<string, Order>();
  readonly external$ = new Subject<Order>();
  /** Orders of a Pounce tag that no strategy of this node runs (another node's, or a removed entry). */
  readonly foreignOrders = new Map<string, Order>();

  /** `onAnyOrder`: every order of the account as it is reported, before it is routed (the node's day-trade count). */
  constructor(readonly venue: RoutableVenue, private readonly log: Logger, private readonly onAnyOrder: (o: Order) => void = () => undefined) {}

  /** Subscribes to the shared venue's streams (once, before any strategy starts). */
  start(): void {
    const error = (e: Error) => {
      for (const s of this.sinks.values()) s.error(e);
    };
    this.subs.push(
      this.venue.orders$.subscribe({ next: (o) => this.onOrder(o), error }),
      this.venue.fills$.subscribe({ next: (f) => this.onFill(f), error }),
    );
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.external$.complete();
  }

  /** Registers a strategy's tag (unique within the node). */
  attach(tag: string, sink: RouteSink): void {
    if (this.sinks.has(tag)) throw new Error(`order tag "${tag}" is used by two strategies of this node`);
    this.sinks.set(tag, sink);
  }

  /** Removes a strategy's route (before a stopped strategy starts again on a new view). */
  detach(tag: string): void {
    this.sinks.delete(tag);
  }

  /** The tag in a userMark: a Pounce id's tag, else EXTERNAL. */
  static tagOfMark(userMark: string): string {
    return parseClientOrderId(userMark)?.tag ?? EXTERNAL;
  }

  /**
   * Records that `orderId` belongs to `tag` and releases the fills held for it. `working`: the order
   * may still fill (a place reply, an open order), so its tag is kept until a final status is seen;
   * false for one known final or only read back from a journal.
   */
  learn(orderId: string, tag: string, working = true): void {
    if (orderId === '') return;
    const was = this.tags.get(orderId);
    this.tags.set(orderId, tag, working);
    if (was === tag) return;
    const held = this.held.get(orderId);
    if (!held) return;
    this.held.delete(orderId);
    for (const f of held) this.deliverFill(tag, f);
  }

  /**
   * `learn` for an order this node just placed: working, unless its order's final push came before
   * the place reply (then it stays among the finished ones: a final order never works again).
   */
  learnPlaced(orderId: string, tag: string): void {
    this.learn(orderId, tag, !this.tags.has(orderId) || this.tags.isWorking(orderId));
  }

  /** The tag of an order id: known, or asked of the venue (undefined when it cannot tell). */
  async resolve(orderId: string): Promise<string | undefined> {
    const known = this.knownTag(orderId);
    if (known !== undefined || !this.venue.orderById) return known;
    const o = await this.venue.orderById(orderId);
    if (!o) return undefined;
    this.learn(o.id, this.tagOfOrder(o), !isTerminal(o.status));
    return this.knownTag(orderId);
  }

  knownTag(orderId: string): string | undefined {
    return this.tags.get(orderId);
  }

  /** Orders whose tag is kept because they may still fill (bounded by the working orders). */
  get workingTags(): number {
    return this.tags.workingSize;
  }

  /** Fills held for orders not yet attributed (for status). */
  get heldFills(): number {
    let n = 0;
    for (const l of this.held.values()) n += l.length;
    return n;
  }

  /**
   * The strategy an order belongs to: the tag in its userMark, or, for an attached leg (take-profit,
   * stop-loss) that carries no Pounce id of its own, its parent's: the leg closes what the
   * strategy's parent order opened, so its fills belong in that strategy's book.
   */
  private tagOfOrder(o: Order): string {
    const tag = VenueRouter.tagOfMark(o.userMark);
    if (tag !== EXTERNAL || o.parentId === undefined) return tag;
    // A leg keeps the strategy it was given when first seen: its parent (long final) may be forgotten by now.
    const own = this.knownTag(o.id);
    if (own !== undefined && own !== EXTERNAL) return own;
    return this.knownTag(o.parentId) ?? EXTERNAL;
  }

  /** Notes an order seen through a REST answer (open orders, lookups) as the push would. */
  noteOrder(o: Order): string {
    this.onAnyOrder(o);
    const tag = this.tagOfOrder(o);
    this.learn(o.id, tag, !isTerminal(o.status));
    if (tag === EXTERNAL) this.noteExternal(o);
    else if (!this.sinks.has(tag)) this.foreignOrders.set(o.id, o);
    return tag;
  }

  private noteExternal(o: Order): void {
    const first = !this.externalOrders.has(o.id);
    this.externalOrders.set(o.id, o);
    if (first) this.log.warn('order placed outside Pounce on this account: shown, not adopted', { orderId: o.id, symbol: o.symbol, action: o.action, quantity: o.totalQuantity, status: o.status });
    this.external$.next(o);
  }

  private onOrder(o: Order): void {
    const tag = this.noteOrder(o);
    this.sinks.get(tag)?.order(o);
  }

  private onFill(f: Fill): void {
    const tag = this.knownTag(f.orderId);
    if (tag === undefined) {
      // The fill overtook its order's push and place reply: hold it until one of them names the order.
      const l = this.held.get(f.orderId) ?? [];
      l.push(f);
      this.held.set(f.orderId, l);
      return;
    }
    this.deliverFill(tag, f);
  }

  private deliverFill(tag: string, f: Fill): void {
    const sink = this.sinks.get(tag);
    if (sink) sink.fill(f);
    else if (tag === EXTERNAL) this.log.warn('fill of an order placed outside Pounce: shown, not adopted', { orderId: f.orderId, symbol: f.symbol, action: f.action, quantity: f.quantity, price: f.price });
  }
}
