import { Subject, type Subscription } from 'rxjs';
import { ApiResponseError, RecentMap, RequestTimeoutError, TransportError, type Fill, type Logger, type Order, type OrderRequest } from '@pounce/core';
import { NullJournal, type Journal } from '../journal/OrderJournal.ts';
import type { Portfolio } from '../portfolio/Portfolio.ts';
import type { RiskEngine, WorkingOrder } from '../risk/RiskEngine.ts';
import type { OrderIntent, SubmittedOrder } from '../strategy/types.ts';

/** One market order `flatten` sent to close a position, and how it went (`outcome.rejected` when refused). */
export interface ClosingOrder {
  intent: OrderIntent;
  outcome: SubmittedOrder;
}
import type { Venue } from '../venue/Venue.ts';
import { clientOrderIdsOf } from './clientOrderId.ts';
import { IdRunSet } from './IdRunSet.ts';
import { OrderHandles, type OrderTrack } from './OrderHandles.ts';
import { toOrderRequest } from './toOrderRequest.ts';

// 'Unknown' (a status no SDK table names) is not final: the order stays open until a later update or lookup.
const OPEN = new Set(['Initial', 'Submitted', 'PendingSubmit', 'PendingCancel', 'Unknown']);
/** Progress order of statuses; final states share the top rank. */
const STATUS_RANK: Record<string, number> = { Initial: 1, PendingSubmit: 2, Submitted: 3, PendingCancel: 4, Filled: 9, Cancelled: 9, Inactive: 9, Invalid: 9 };
const FINAL_RANK = 9;
/** Orders per generation of remembered states (between 10k and 20k are kept). */
const LATEST_GENERATION = 10_000;
/** Default for how long an order whose place_order outcome is unknown is looked for before "not received". */
export const DEFAULT_UNKNOWN_OUTCOME_WINDOW_MS = 5000;
/** Negative answers needed, however old the order, before it counts as not received. */
const MIN_NEGATIVE_LOOKUPS = 3;
/** Failed lookups (venue unreachable) before the outcome is left unknown for a later reconcile. */
const MAX_FAILED_LOOKUPS = 4;

export interface ExecutionOptions {
  /**
   * Wall-clock time after the send during which an order not found by its client id is still
   * looked for (the broker may still be processing a delayed place_order). Default 5000.
   */
  unknownOutcomeWindowMs?: number;
}

interface OrderMark {
  rank: number;
  filled: number;
}

/**
 * Sends orders through risk checks to the venue and turns venue events into the strategy's
 * streams. Guarantees: every intent is journaled before it is sent; a place_order whose reply is
 * lost is looked up by its client order id, never re-sent; each fill reaches `fills$` once
 * (deduplicated by execution id, across reconnects and restarts).
 */
export class ExecutionEngine {
  readonly fills$ = new Subject<Fill>();
  readonly orders$ = new Subject<Order>();
  /** Each submitted order's own status and fill streams (what `submit`'s handle exposes). */
  readonly handles = new OrderHandles();
  /**
   * Orders found by a lookup, delivered as pushed ones are: through a stream, so a throw while
   * delivering one is reported as on the push path (RxJS's unhandled error: a strategy error where
   * the run captures them), never taken for a failed lookup and asked for again.
   */
  private readonly found = new Subject<Order>();
  private readonly seenFills = new IdRunSet();
  private readonly open = new Map<string, Order>();
  /** A resumed run's accepted orders with no status in its journal (id -> client order id): looked up by the next reconcile. */
  private readonly unheardOf = new Map<string, string>();
  /**
   * Latest known state per order, to drop duplicate and stale (out-of-order) updates. Two
   * generations rotate so memory stays bounded with O(1) work per update (stale pushes trail by
   * seconds, not thousands of orders).
   */
  private readonly latest = new RecentMap<string, OrderMark>(LATEST_GENERATION);
  private readonly pendingIntents = new Map<string, OrderRequest>();
  /**
   * Orders passed by risk that the venue has not shown in an order event yet (in flight, placed
   * but not pushed, outcome unknown), by client id; the order id once the reply names it. Together
   * with `open` they are the working orders the risk limits count, each once.
   */
  private readonly unconfirmed = new Map<string, { req: OrderRequest; orderId: string | undefined }>();
  private readonly unconfirmedIds = new Map<string, string>();
  /** Quantity filled per working order as fills tell it (a fill may precede its order update). */
  private readonly filledOfWorking = new Map<string, number>();
  /** Working orders the runtime asked the venue to cancel. */
  private readonly cancelRequested = new Set<string>();
  /** Wall time each intent was journaled: the lookup window runs from there. */
  private readonly sentAt = new Map<string, number>();
  private lookups = 0;
  /** Unknown-outcome intents being looked up, by client id (see settleIntent). */
  private readonly settling = new Map<string, Promise<SubmittedOrder | undefined>>();
  /** The last reconcile pass asked for; settles (never rejects) when it is over. */
  private reconciling: Promise<void> = Promise.resolve();
  private readonly unknownOutcomeWindowMs: number;
  private readonly subs: Subscription[] = [];
  private seq = 0;
  /** Makes the id of order n (nonce and tag checked once, not per order). */
  private readonly clientOrderId: (n: number) => string;
  /**
   * False with a NullJournal (backtests, sweeps): the journal entries, and the Date.now() each
   * stamps, are then not built at all on the per-order and per-fill paths.
   */
  private readonly journaling: boolean;
  fillCount = 0;
  orderCount = 0;
  /** Venue calls (place/cancel/modify) not yet answered. */
  inFlight = 0;
  rejectedCount = 0;

  constructor(
    private readonly venue: Venue,
    private readonly journal: Journal,
    private readonly risk: RiskEngine,
    private readonly portfolio: Portfolio,
    private readonly log: Logger,
    /** The run's client order id nonce and this strategy's tag (clientOrderId.ts). */
    private readonly ids: { nonce: string; tag: string },
    /** Venue time the run started at: reconciliation asks for fills (and lookups for orders) since then. */
    private since: number,
    o: ExecutionOptions = {},
  ) {
    this.unknownOutcomeWindowMs = o.unknownOutcomeWindowMs ?? DEFAULT_UNKNOWN_OUTCOME_WINDOW_MS;
    this.clientOrderId = clientOrderIdsOf(ids.nonce, ids.tag);
    this.found.subscribe((o) => this.onOrder(o));
    this.journaling = !(journal instanceof NullJournal);
  }

  /** Set once the venue is connected and knows its time (a paper venue learns it from the market). */
  startingAt(since: number): void {
    this.since = since;
  }

  /**
   * Seeds dedupe and pending intents from a resumed run's journal; `lastOrderNumber` is the
   * highest client order counter it journaled (refused orders included), so no id repeats.
   * `orders` are the journal's last word on each order: those it left working are held as open,
   * and accepted ones it has no word on (their pushes lost, or the process ended first) are kept
   * to be asked about, so the first reconcile looks up the final status of each that ended while
   * the process was down.
   */
  restore(fills: Iterable<string>, intents: Iterable<[string, { req: OrderRequest; orderId: string | undefined; rejected?: string; sentAt?: number }]>, lastOrderNumber: number, orders: Iterable<Order> = []): void {
    const statusKnown = new Set<string>();
    for (const o of orders) {
      statusKnown.add(o.id);
      // Final ones too: a lookup that brings one back (its intent's accepted line was lost) is not news.
      if (o.id !== '') this.latest.set(o.id, { rank: STATUS_RANK[o.status] ?? 0, filled: o.filledQuantity });
      if (OPEN.has(o.status)) this.open.set(o.id, o);
    }
    for (const id of fills) this.seenFills.add(id);
    for (const [cid, i] of intents) {
      if (i.orderId && !i.rejected && !statusKnown.has(i.orderId)) this.unheardOf.set(i.orderId, cid);
      if (i.orderId || i.rejected) continue;
      this.pendingIntents.set(cid, i.req);
      this.unconfirmed.set(cid, { req: i.req, orderId: undefined });
      if (i.sentAt !== undefined) this.sentAt.set(cid, i.sentAt);
    }
    this.seq = lastOrderNumber;
  }

  start(): void {
    const error = (e: Error) => this.onVenueError(e);
    this.subs.push(
      this.venue.fills$.subscribe({ next: (f) => void this.onFill(f), error }),
      this.venue.orders$.subscribe({ next: (o) => this.onOrder(o), error }),
      // Quantities come from fills (exactly once) and REST reconciliation; a push can be stale.
      this.venue.positions$.subscribe({ next: (p) => this.portfolio.mark(p.symbol, p.latestPrice), error }),
      this.venue.assets$.subscribe({ next: (a) => this.portfolio.setAssets(a), error }),
    );
  }

  /** A fatal venue stream error (e.g. kicked out by another login): stop new orders, say why. */
  private onVenueError(e: Error): void {
    if (this.risk.haltReason) return;
    this.log.error('venue stream failed; halting new orders', { error: e.message });
    this.risk.halt('venue', `venue: ${e.message}`);
    this.journal.append({ t: Date.now(), e: 'note', text: `venue stream failed: ${e.message}` });
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.fills$.complete();
    this.orders$.complete();
    this.handles.closeAll();
  }

  /** Delivers a fill unless it was seen before; true when it was new. */
  private onFill(f: Fill): boolean {
    if (!this.seenFills.add(f.id)) return false;
    if (this.journaling) this.journal.append({ t: Date.now(), e: 'fill', fill: f });
    if (this.open.has(f.orderId) || this.unconfirmedIds.has(f.orderId)) this.filledOfWorking.set(f.orderId, (this.filledOfWorking.get(f.orderId) ?? 0) + f.quantity);
    this.portfolio.applyFill(f);
    this.fillCount++;
    this.fills$.next(f);
    this.handles.onFill(f);
    return true;
  }

  private onOrder(o: Order): void {
    // Orders refused before reaching the venue have no id; each is its own event.
    const known = o.id === '' ? undefined : this.latest.get(o.id);
    const rank = STATUS_RANK[o.status] ?? 0;
    // Any word of the order names it, a repeated one too: a resumed run holds the journal's last
    // status and a lookup by client id brings the same one back, yet the intent is settled by it.
    this.confirm(o.userMark, o.id);
    if (known) {
      // Pushes may repeat or overtake each other: an order never un-fills or leaves a final state.
      if (o.filledQuantity < known.filled || known.rank >= FINAL_RANK || (o.filledQuantity === known.filled && rank <= known.rank)) return;
    }
    if (o.id !== '') {
      this.latest.set(o.id, { rank, filled: o.filledQuantity });
    }
    if (this.journaling) this.journal.append({ t: Date.now(), e: 'order', order: o });
    if (OPEN.has(o.status)) this.open.set(o.id, o);
    else this.forget(o.id);
    this.portfolio.applyOrder(o);
    this.orders$.next(o);
    this.handles.onOrder(o);
  }

  /** Orders sent whose outcome the venue has not confirmed yet (never re-sent). */
  get pendingCount(): number {
    return this.pendingIntents.size;
  }

  get openOrders(): Order[] {
    return [...this.open.values()];
  }

  /**
   * What may still trade, for the risk limits: the unfilled rest of each open order and of each
   * order in flight or with an unknown outcome. An order counts once: it leaves `unconfirmed` at
   * its first order event, which is when it enters `open`. With `symbol`, only that symbol's
   * (the others are skipped before anything is built for them).
   */
  workingOrders(symbol?: string): WorkingOrder[] {
    const out: WorkingOrder[] = [];
    for (const o of this.open.values()) {
      if (symbol !== undefined && o.symbol !== symbol) continue;
      const remaining = o.totalQuantity - Math.max(o.filledQuantity, this.filledOfWorking.get(o.id) ?? 0);
      if (remaining > 0) out.push({ symbol: o.symbol, action: o.action, remaining, price: o.limitPrice ?? (o.orderType === 'STP' ? o.auxPrice : undefined), cancelRequested: this.cancelRequested.has(o.id) });
    }
    for (const u of this.unconfirmed.values()) {
      const r = u.req;
      if (symbol !== undefined && r.symbol !== symbol) continue;
      const remaining = r.quantity - (u.orderId === undefined ? 0 : (this.filledOfWorking.get(u.orderId) ?? 0));
      if (remaining > 0) out.push({ symbol: r.symbol, action: r.action, remaining, price: r.limitPrice ?? (r.orderType === 'STP' ? r.auxPrice : undefined), cancelRequested: false });
    }
    return out;
  }

  /** The venue has shown this order (by client id or order id): `open` tracks it from now on. */
  private confirm(cid: string, orderId: string): void {
    const byId = this.unconfirmedIds.get(orderId);
    const key = cid !== '' && this.unconfirmed.has(cid) ? cid : byId;
    if (key === undefined) return;
    const u = this.unconfirmed.get(key);
    if (u?.orderId !== undefined) this.unconfirmedIds.delete(u.orderId);
    this.unconfirmedIds.delete(orderId);
    this.unconfirmed.delete(key);
  }

  /** An order awaiting its first push that the venue does not know: nothing of it works. */
  private dropUnconfirmed(orderId: string): void {
    const cid = this.unconfirmedIds.get(orderId);
    if (cid === undefined) return;
    this.unconfirmedIds.delete(orderId);
    this.unconfirmed.delete(cid);
  }

  /** The order is final: nothing of it works any more. */
  private forget(orderId: string): void {
    this.open.delete(orderId);
    this.filledOfWorking.delete(orderId);
    this.cancelRequested.delete(orderId);
  }

  private reject(cid: string, req: OrderRequest, reason: string): SubmittedOrder {
    this.rejectedCount++;
    this.journal.append({ t: Date.now(), e: 'rejected', cid, reason, req });
    const now = this.venue.now();
    const inactive: Order = {
      id: '', account: this.venue.account, symbol: req.symbol, action: req.action, orderType: req.orderType, limitPrice: req.limitPrice,
      auxPrice: req.auxPrice, trailingPercent: req.trailingPercent, totalQuantity: req.quantity, filledQuantity: 0, avgFillPrice: 0,
      timeInForce: req.timeInForce ?? 'DAY', status: 'Inactive', commission: 0, realizedPnl: 0, remark: reason, userMark: cid, openTime: now, updateTime: now,
    };
    this.orders$.next(inactive);
    this.handles.onOrder(inactive);
    return { clientOrderId: cid, orderId: undefined, rejected: reason };
  }

  /**
   * Sends one order. Resolves, never rejects, with one of three outcomes:
   * - `{clientOrderId, orderId}`: the venue accepted it (it may still end Inactive, e.g. for buying
   *   power; that arrives on `orders$`);
   * - `{clientOrderId, orderId: undefined, rejected}`: refused by the runtime's risk checks or by the
   *   venue (its rules, with the venue's words and code); an `Inactive` order with the reason in
   *   `remark` is published on `orders$` at once;
   * - `{clientOrderId, orderId: undefined, pending}`: the outcome is unknown (no reply, a broken
   *   connection, any error other than the venue's answer). The order is looked up by its client
   *   id, never re-sent; it resolves later on `orders$` (accepted, or Inactive "not received").
   */
  async submit(intent: OrderIntent): Promise<SubmittedOrder> {
    return (await this.submitTracked(intent)).outcome;
  }

  /** `submit`, with the order's own status and fill streams (what a strategy's order handle carries). */
  submitTracked(intent: OrderIntent): Promise<{ outcome: SubmittedOrder; track: OrderTrack }> {
    let cid: string;
    try {
      // Taken before the checks: a refused order journals its id too, and resume continues after it.
      cid = this.clientOrderId(++this.seq);
    } catch (err) {
      return Promise.reject(err);
    }
    // Opened before the send: the venue's first events may come before its reply.
    const track = this.handles.open(cid);
    // A then, not an async function around the send: one promise less per order.
    return this.send(intent, cid).then((outcome) => ({ outcome, track }));
  }

  private async send(intent: OrderIntent, cid: string): Promise<SubmittedOrder> {
    let req: OrderRequest;
    try {
      req = toOrderRequest(intent, cid);
    } catch (err) {
      return this.reject(cid, { symbol: intent.symbol, action: intent.side, orderType: 'MKT', quantity: intent.quantity }, (err as Error).message);
    }
    const refusal = this.risk.check(req);
    if (refusal) return this.reject(cid, req, `risk: ${refusal}`);
    const sentAt = Date.now();
    if (this.journaling) this.journal.append({ t: sentAt, e: 'intent', cid, req });
    this.unconfirmed.set(cid, { req, orderId: undefined });
    this.orderCount++;
    this.inFlight++;
    try {
      const placed = await this.venue.placeOrder(req);
      if (this.journaling) this.journal.append({ t: Date.now(), e: 'accepted', cid, orderId: placed.id });
      this.placedAs(cid, placed.id);
      return { clientOrderId: cid, orderId: placed.id };
    } catch (err) {
      // The venue answered with a refusal: the order does not exist.
      if (err instanceof ApiResponseError) return this.reject(cid, req, `venue: ${err.serverMessage} (code ${err.code})`);
      // Anything else (no reply in time, a broken connection, a reply that cannot be trusted, an
      // error the venue did not classify) leaves the outcome unknown: the order may exist. Look it
      // up by its client id instead of sending it again.
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof RequestTimeoutError || err instanceof TransportError) this.log.warn('place_order outcome unknown; looking the order up', { cid, error: message });
      else this.log.error('place_order failed unexpectedly; outcome unknown, looking the order up', { cid, error: message });
      this.pendingIntents.set(cid, req);
      this.sentAt.set(cid, sentAt);
      const settled = await this.settleIntent(cid, `not received by the venue (${message}); looked up by client id over ${this.unknownOutcomeWindowMs} ms and not found, not re-sent`);
      // The venue cannot be asked now: the order may exist. It stays pending until a lookup
      // answers (reconcile after reconnect, or at stop); it is never re-sent.
      return settled ?? { clientOrderId: cid, orderId: undefined, pending: `outcome unknown (${message}); the venue could not be asked yet` };
    } finally {
      this.inFlight--;
      // Refused or failed without reaching the venue: it no longer works. Pending outcomes stay counted.
      if (!this.pendingIntents.has(cid) && this.unconfirmed.get(cid)?.orderId === undefined) this.unconfirmed.delete(cid);
    }
  }

  /**
   * Sends an OCA group in one venue call. Each order has its own client id, journaled intent and
   * track; the risk checks see the group whole (a refusal of one refuses all), and so does a
   * venue refusal. After an unknown outcome each order is looked up by its client id, never re-sent.
   */
  async submitOca(intents: readonly OrderIntent[]): Promise<Array<{ outcome: SubmittedOrder; track: OrderTrack }>> {
    const cids = intents.map(() => this.clientOrderId(++this.seq));
    const tracks = cids.map((cid) => this.handles.open(cid));
    const results = await this.sendOca(intents, cids);
    return results.map((outcome, k) => ({ outcome, track: tracks[k]! }));
  }

  private async sendOca(intents: readonly OrderIntent[], cids: string[]): Promise<SubmittedOrder[]> {
    const rejectAll = (reqs: OrderRequest[], reason: string) => reqs.map((r, k) => this.reject(cids[k]!, r, reason));
    const fallback = intents.map((i): OrderRequest => ({ symbol: i.symbol, action: i.side, orderType: 'MKT', quantity: i.quantity }));
    let reqs: OrderRequest[];
    try {
      if (intents.length < 2) throw new Error(`an OCA group needs at least two orders, got ${intents.length}`);
      if (new Set(intents.map((i) => i.symbol)).size !== 1) throw new Error('the orders of an OCA group must share one symbol');
      reqs = intents.map((i, k) => toOrderRequest(i, cids[k]!));
      if (reqs.some((r) => r.legs)) throw new Error('OCA orders cannot carry takeProfit/stopLoss legs');
    } catch (err) {
      return rejectAll(fallback, (err as Error).message);
    }
    for (const r of reqs) {
      const refusal = this.risk.check(r);
      if (refusal) return rejectAll(reqs, `risk: ${refusal} (one order of the OCA group; the group is refused whole)`);
    }
    const sentAt = Date.now();
    reqs.forEach((req, k) => {
      this.journal.append({ t: sentAt, e: 'intent', cid: cids[k]!, req });
      this.unconfirmed.set(cids[k]!, { req, orderId: undefined });
    });
    this.orderCount += reqs.length;
    this.inFlight++;
    try {
      const placed = await this.venue.placeOcaOrders(reqs);
      return placed.map((p, k) => {
        this.journal.append({ t: Date.now(), e: 'accepted', cid: cids[k]!, orderId: p.id });
        this.placedAs(cids[k]!, p.id);
        return { clientOrderId: cids[k]!, orderId: p.id };
      });
    } catch (err) {
      if (err instanceof ApiResponseError) return rejectAll(reqs, `venue: ${err.serverMessage} (code ${err.code})`);
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn('place_order (OCA) outcome unknown; looking the orders up', { cids, error: message });
      const out: SubmittedOrder[] = [];
      for (const [k, cid] of cids.entries()) {
        this.pendingIntents.set(cid, reqs[k]!);
        this.sentAt.set(cid, sentAt);
        const settled = await this.settleIntent(cid, `not received by the venue (${message}); looked up by client id and not found, not re-sent`);
        out.push(settled ?? { clientOrderId: cid, orderId: undefined, pending: `outcome unknown (${message}); the venue could not be asked yet` });
      }
      return out;
    } finally {
      this.inFlight--;
      for (const cid of cids) if (!this.pendingIntents.has(cid) && this.unconfirmed.get(cid)?.orderId === undefined) this.unconfirmed.delete(cid);
    }
  }

  /** The reply named the order: it works until its first order event (which may have come already). */
  private placedAs(cid: string, orderId: string): void {
    this.handles.placed(cid, orderId);
    const u = this.unconfirmed.get(cid);
    if (!u) return;
    if (this.latest.has(orderId)) {
      this.unconfirmed.delete(cid);
      return;
    }
    u.orderId = orderId;
    this.unconfirmedIds.set(orderId, cid);
  }

  /**
   * Looks up an intent whose outcome is unknown and settles it: found (journaled accepted), or not
   * received (`notFound` is the rejection's reason), or undefined while the venue cannot be asked
   * (it stays pending). One lookup per intent at a time, shared by whoever asks: the send that lost
   * its reply and a reconcile after a reconnect would otherwise each reject (or accept) it.
   */
  private settleIntent(cid: string, notFound: string): Promise<SubmittedOrder | undefined> {
    let settling = this.settling.get(cid);
    if (settling === undefined) {
      settling = this.lookup(cid).then((found) => {
        if (typeof found === 'string') return { clientOrderId: cid, orderId: found };
        if (found === undefined) return undefined;
        const req = this.pendingIntents.get(cid)!;
        this.pendingIntents.delete(cid);
        this.unconfirmed.delete(cid);
        return this.reject(cid, req, notFound);
      }).finally(() => this.settling.delete(cid));
      this.settling.set(cid, settling);
    }
    return settling;
  }

  /**
   * Finds an order by its client id (userMark) among the venue's orders since the run started;
   * journals it as accepted when found. A negative answer is not final while the broker may still
   * be processing the request: the venue is asked again until the window after the send has passed
   * and it has answered "no" at least MIN_NEGATIVE_LOOKUPS times. Returns the order id, `null`
   * when it is not there after the window, or `undefined` when the venue could not be asked (the
   * outcome is still unknown).
   */
  private async lookup(cid: string): Promise<string | null | undefined> {
    this.lookups++;
    try {
      return await this.lookupOnce(cid);
    } finally {
      this.lookups--;
    }
  }

  /** Lookups of unknown outcomes under way (pauses included): a lockstep replay holds its clock meanwhile. */
  get lookupsInProgress(): number {
    return this.lookups;
  }

  private async lookupOnce(cid: string): Promise<string | null | undefined> {
    const sentAt = this.sentAt.get(cid) ?? Date.now();
    const pause = Math.min(1000, Math.max(50, this.unknownOutcomeWindowMs / 5));
    let negative = 0;
    let failed = 0;
    for (;;) {
      let o: Order | undefined;
      // The venue read and the journal's line are retried (a failed append recorded nothing);
      // delivering the found order happens once, through `found` (a throw there is reported, not retried).
      try {
        o = await this.venue.findOrderByUserMark(cid, this.since);
        if (o) this.journal.append({ t: Date.now(), e: 'accepted', cid, orderId: o.id });
      } catch (err) {
        if (++failed >= MAX_FAILED_LOOKUPS) return undefined;
        this.log.warn('order lookup failed; retrying (a read, safe to repeat)', { cid, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 200 * 2 ** failed));
        continue;
      }
      if (o) {
        this.pendingIntents.delete(cid);
        this.sentAt.delete(cid);
        this.found.next(o);
        return o.id;
      }
      negative++;
      if (negative >= MIN_NEGATIVE_LOOKUPS && Date.now() - sentAt >= this.unknownOutcomeWindowMs) {
        this.sentAt.delete(cid);
        return null;
      }
      this.log.info('order not at the venue yet; asking again', { cid, lookups: negative });
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /**
   * Brings the runtime back in line with the venue after a push gap or a restart: fills missed
   * during the gap are delivered (once), positions and open orders replaced by the venue's, and
   * intents whose outcome was unknown are looked up. One pass runs at a time: a call while one
   * runs (a reconnect during the start's pass, a stop during a reconnect's) waits for it, then
   * makes its own pass. Interleaved, two passes looked up the same intent, and both rejected it
   * (or both journaled it accepted).
   */
  reconcile(): Promise<{ missedFills: number; unresolved: number }> {
    const pass = this.reconciling.then(() => this.reconcilePass());
    this.reconciling = pass.then(() => undefined, () => undefined);
    return pass;
  }

  private async reconcilePass(): Promise<{ missedFills: number; unresolved: number }> {
    let missed = 0;
    for (const cid of [...this.pendingIntents.keys()]) {
      // Settled meanwhile (by the send that lost its reply, which may still be asking).
      if (!this.pendingIntents.has(cid)) continue;
      const settled = await this.settleIntent(cid, 'not received by the venue (looked up by client id after the outage: not found)');
      if (settled === undefined) throw new Error(`reconcile: cannot look up order ${cid} yet; its outcome stays unknown`);
    }
    const fills = await this.venue.fills(this.since);
    fills.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    for (const f of fills) if (this.onFill(f)) missed++;
    // The venue's list answers for the orders known when it was asked: one placed while the
    // request is under way (held open, or named by its place reply) is newer than the list.
    const heldBefore = new Set(this.open.keys());
    const namedBefore = new Map(this.unconfirmedIds);
    const open = await this.venue.openOrders();
    const listed = new Set(open.map((o) => o.id));
    const ended: Array<{ id: string; userMark: string; held: Order | undefined }> = [];
    for (const o of this.open.values()) if (heldBefore.has(o.id) && !listed.has(o.id)) ended.push({ id: o.id, userMark: o.userMark, held: o });
    // Accepted orders no push has named yet (their place reply came, their pushes were lost) and a
    // resumed run's accepted orders its journal has no status of: unlisted, they ended too.
    for (const [id, cid] of [...namedBefore, ...this.unheardOf]) if (!listed.has(id) && !this.open.has(id)) ended.push({ id, userMark: cid, held: undefined });
    this.unheardOf.clear();
    // The listed orders are taken before anything is awaited or delivered again: an order the
    // strategy places while the lookups below run (or in reaction to a status they deliver) is
    // added by its own events and must not be wiped by a later replacement. A held order the list
    // leaves out stays open (counted by the risk limits, its fills counted against it) until its
    // own lookup says how it ended.
    for (const o of open) {
      // Listed is named: it is counted as open, not also as awaiting its first push. A push that
      // came while the list was fetched (final, or a fill's progress) is newer than the list.
      this.confirm(o.userMark, o.id);
      if (!this.finished(o.id) && !this.heldIsNewer(o)) this.open.set(o.id, o);
    }
    // Orders this run held as working that the venue no longer lists ended during the gap (a
    // cancel, an expiry, a fill-out, a bracket leg): each final status is looked up and delivered
    // once, so handles, fee entries and the strategy's order stream do not wait for a push that
    // was lost. One whose lookup fails stays working (counted by the risk limits) and is counted
    // as unresolved, so the caller reconciles again; one the lookup finds still working stays open.
    // Until its lookup answers, each stays open as held.
    const finals: Order[] = [];
    let unresolved = 0;
    for (const o of ended) {
      let now: Order | undefined;
      try {
        now = await this.finalStatusOf(o);
      } catch (err) {
        this.log.warn('an order left the open list; its final status could not be looked up yet, so it stays working', { id: o.id, error: (err as Error).message });
        // A held one is still open; one awaiting its first push stays counted as such (and is
        // asked about again); a resumed run's unheard-of one waits for the next reconcile.
        if (o.held === undefined && !this.unconfirmedIds.has(o.id)) this.unheardOf.set(o.id, o.userMark);
        unresolved++;
        continue;
      }
      if (now !== undefined && !OPEN.has(now.status)) finals.push(now);
      else if (now !== undefined) {
        // The list lagged behind the order's own answer: it still works, and is counted so (once).
        this.confirm(now.userMark, now.id);
        if (!this.finished(now.id) && !this.heldIsNewer(now)) this.open.set(now.id, now);
      } else {
        this.log.warn('an order left the open list but the venue does not know it; it is no longer counted as working', { id: o.id });
        this.dropUnconfirmed(o.id);
        this.forget(o.id);
      }
    }
    for (const o of finals) {
      this.onOrder(o);
      // Final at the venue: not working any more, even where a push had already told as much.
      this.forget(o.id);
    }
    for (const id of this.filledOfWorking.keys()) if (!this.open.has(id) && !this.unconfirmedIds.has(id)) this.filledOfWorking.delete(id);
    for (const id of this.cancelRequested) if (!this.open.has(id)) this.cancelRequested.delete(id);
    this.portfolio.resetPositions(await this.venue.positions());
    this.portfolio.setAssets(await this.venue.assets());
    return { missedFills: missed, unresolved };
  }

  /** An order's current state at the venue: by id where the venue can, else by its userMark. */
  private async finalStatusOf(o: { id: string; userMark: string }): Promise<Order | undefined> {
    const byId = this.venue.orderById ? await this.venue.orderById(o.id) : undefined;
    if (byId !== undefined || !o.userMark) return byId;
    const byMark = await this.venue.findOrderByUserMark(o.userMark, this.since);
    return byMark?.id === o.id ? byMark : undefined;
  }

  /** True when the open copy of a listed order came from a push newer than the list's copy (more filled, or a later status). */
  private heldIsNewer(listed: Order): boolean {
    const known = this.latest.get(listed.id);
    if (known === undefined || !this.open.has(listed.id)) return false;
    const rank = STATUS_RANK[listed.status] ?? 0;
    return listed.filledQuantity < known.filled || (listed.filledQuantity === known.filled && rank < known.rank);
  }

  /** True when the order's last event was final (a push that arrived during the lookups). */
  private finished(orderId: string): boolean {
    return (this.latest.get(orderId)?.rank ?? 0) >= FINAL_RANK;
  }

  async cancel(orderId: string): Promise<void> {
    this.inFlight++;
    if (this.open.has(orderId)) this.cancelRequested.add(orderId);
    try {
      await this.venue.cancelOrder(orderId);
    } catch (err) {
      this.cancelRequested.delete(orderId);
      throw err;
    } finally {
      this.inFlight--;
    }
  }

  async modify(orderId: string, changes: { quantity?: number; limitPrice?: number; stopPrice?: number }): Promise<void> {
    const o = this.open.get(orderId);
    if (!o) throw new Error(`order ${orderId} is not open`);
    const req: OrderRequest = { symbol: o.symbol, action: o.action, orderType: o.orderType, quantity: changes.quantity ?? o.totalQuantity, timeInForce: o.timeInForce as 'DAY' | 'GTC' };
    const limit = changes.limitPrice ?? o.limitPrice;
    const aux = changes.stopPrice ?? o.auxPrice;
    if (limit !== undefined) req.limitPrice = limit;
    if (aux !== undefined) req.auxPrice = aux;
    this.inFlight++;
    try {
      await this.venue.modifyOrder(orderId, req);
    } finally {
      this.inFlight--;
    }
  }

  /** Cancels every open order (of `symbol` if given). Errors for already-finished orders are ignored. */
  async cancelAll(symbol?: string): Promise<number> {
    this.inFlight++;
    try {
      const open = (await this.venue.openOrders()).filter((o) => !symbol || o.symbol === symbol);
      for (const o of open) if (this.open.has(o.id)) this.cancelRequested.add(o.id);
      await Promise.all(open.map((o) => this.venue.cancelOrder(o.id).catch((e: Error) => {
        this.cancelRequested.delete(o.id);
        this.log.warn('cancel failed', { id: o.id, error: e.message });
      })));
      return open.length;
    } finally {
      this.inFlight--;
    }
  }

  /** Cancels open orders, then closes each position with a market order (one call in flight throughout). */
  async flatten(symbol?: string): Promise<ClosingOrder[]> {
    this.inFlight++;
    try {
      await this.cancelAll(symbol);
      // Each closing order's outcome is returned: a risk check (the account's pattern-day-trader
      // rule) or the venue may refuse it, and the operator must hear so.
      const sent: ClosingOrder[] = [];
      for (const p of this.portfolio.positions()) {
        if (symbol && p.symbol !== symbol) continue;
        const intent: OrderIntent = { symbol: p.symbol, side: p.quantity > 0 ? 'SELL' : 'BUY', quantity: Math.abs(p.quantity), type: 'market' };
        sent.push({ intent, outcome: await this.submit(intent) });
      }
      return sent;
    } finally {
      this.inFlight--;
    }
  }
}
