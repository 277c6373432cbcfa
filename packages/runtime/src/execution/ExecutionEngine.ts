import { Subject, type Subscription } from 'rxjs';
import { ApiResponseError, RequestTimeoutError, TransportError, type Fill, type Logger, type Order, type OrderRequest } from '@pounce/core';
import type { Journal } from '../journal/OrderJournal.ts';
import type { Portfolio } from '../portfolio/Portfolio.ts';
import type { RiskEngine } from '../risk/RiskEngine.ts';
import type { OrderIntent, SubmittedOrder } from '../strategy/types.ts';
import type { Venue } from '../venue/Venue.ts';
import { IdRunSet } from './IdRunSet.ts';
import { toOrderRequest } from './toOrderRequest.ts';

const OPEN = new Set(['Initial', 'Submitted', 'PendingSubmit', 'PendingCancel']);
/** Progress order of statuses; final states share the top rank. */
const STATUS_RANK: Record<string, number> = { Initial: 1, PendingSubmit: 2, Submitted: 3, PendingCancel: 4, Filled: 9, Cancelled: 9, Inactive: 9, Invalid: 9 };
const FINAL_RANK = 9;
/** Orders per generation of remembered states (between 10k and 20k are kept). */
const LATEST_GENERATION = 10_000;

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
  private readonly seenFills = new IdRunSet();
  private readonly open = new Map<string, Order>();
  /**
   * Latest known state per order, to drop duplicate and stale (out-of-order) updates. Two
   * generations rotate so memory stays bounded with O(1) work per update.
   */
  private latest = new Map<string, OrderMark>();
  private previous = new Map<string, OrderMark>();
  private readonly pendingIntents = new Map<string, OrderRequest>();
  private readonly subs: Subscription[] = [];
  private seq = 0;
  fillCount = 0;
  orderCount = 0;
  /** Venue calls (place/cancel/modify) not yet answered; lockstep drivers wait for 0. */
  inFlight = 0;
  rejectedCount = 0;

  constructor(
    private readonly venue: Venue,
    private readonly journal: Journal,
    private readonly risk: RiskEngine,
    private readonly portfolio: Portfolio,
    private readonly log: Logger,
    private readonly runId: string,
    /** Venue time the run started at: reconciliation asks for fills since then. */
    private since: number,
  ) {}

  /** Set once the venue is connected and knows its time (a paper venue learns it from the market). */
  startingAt(since: number): void {
    this.since = since;
  }

  /** Seeds dedupe and pending intents from a resumed run's journal. */
  restore(fills: Iterable<string>, intents: Iterable<[string, { req: OrderRequest; orderId: string | undefined; rejected?: string }]>, seq: number): void {
    for (const id of fills) this.seenFills.add(id);
    for (const [cid, i] of intents) if (!i.orderId && !i.rejected) this.pendingIntents.set(cid, i.req);
    this.seq = seq;
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
    this.risk.halt(`venue: ${e.message}`);
    this.journal.append({ t: Date.now(), e: 'note', text: `venue stream failed: ${e.message}` });
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.fills$.complete();
    this.orders$.complete();
  }

  /** Delivers a fill unless it was seen before; true when it was new. */
  private onFill(f: Fill): boolean {
    if (!this.seenFills.add(f.id)) return false;
    this.journal.append({ t: Date.now(), e: 'fill', fill: f });
    this.portfolio.applyFill(f);
    this.fillCount++;
    this.fills$.next(f);
    return true;
  }

  private onOrder(o: Order): void {
    // Orders refused before reaching the venue have no id; each is its own event.
    const known = o.id === '' ? undefined : (this.latest.get(o.id) ?? this.previous.get(o.id));
    const rank = STATUS_RANK[o.status] ?? 0;
    if (known) {
      // Pushes may repeat or overtake each other: an order never un-fills or leaves a final state.
      if (o.filledQuantity < known.filled || known.rank >= FINAL_RANK || (o.filledQuantity === known.filled && rank <= known.rank)) return;
    }
    if (o.id !== '') {
      this.latest.set(o.id, { rank, filled: o.filledQuantity });
      // Stale pushes trail by seconds, not thousands of orders: keep the two newest generations.
      if (this.latest.size >= LATEST_GENERATION) {
        this.previous = this.latest;
        this.latest = new Map();
      }
    }
    this.journal.append({ t: Date.now(), e: 'order', order: o });
    if (OPEN.has(o.status)) this.open.set(o.id, o);
    else this.open.delete(o.id);
    this.orders$.next(o);
  }

  /** Orders sent whose outcome the venue has not confirmed yet (never re-sent). */
  get pendingCount(): number {
    return this.pendingIntents.size;
  }

  get openOrders(): Order[] {
    return [...this.open.values()];
  }

  private reject(cid: string, req: OrderRequest, reason: string): SubmittedOrder {
    this.rejectedCount++;
    this.journal.append({ t: Date.now(), e: 'rejected', cid, reason, req });
    const now = this.venue.now();
    this.orders$.next({
      id: '', account: this.venue.account, symbol: req.symbol, action: req.action, orderType: req.orderType, limitPrice: req.limitPrice,
      auxPrice: req.auxPrice, trailingPercent: req.trailingPercent, totalQuantity: req.quantity, filledQuantity: 0, avgFillPrice: 0,
      timeInForce: req.timeInForce ?? 'DAY', status: 'Inactive', commission: 0, realizedPnl: 0, remark: reason, userMark: cid, openTime: now, updateTime: now,
    });
    return { clientOrderId: cid, orderId: undefined, rejected: reason };
  }

  async submit(intent: OrderIntent): Promise<SubmittedOrder> {
    const cid = `${this.runId}-${++this.seq}`;
    let req: OrderRequest;
    try {
      req = toOrderRequest(intent, cid);
    } catch (err) {
      return this.reject(cid, { symbol: intent.symbol, action: intent.side, orderType: 'MKT', quantity: intent.quantity }, (err as Error).message);
    }
    const refusal = this.risk.check(req);
    if (refusal) return this.reject(cid, req, `risk: ${refusal}`);
    this.journal.append({ t: Date.now(), e: 'intent', cid, req });
    this.orderCount++;
    this.inFlight++;
    try {
      const placed = await this.venue.placeOrder(req);
      this.journal.append({ t: Date.now(), e: 'accepted', cid, orderId: placed.id });
      return { clientOrderId: cid, orderId: placed.id };
    } catch (err) {
      if (err instanceof RequestTimeoutError || err instanceof TransportError) {
        // The order may exist: look it up by its client id instead of sending it again.
        this.log.warn('place_order outcome unknown; looking the order up', { cid, error: err.message });
        this.pendingIntents.set(cid, req);
        const found = await this.lookup(cid);
        if (typeof found === 'string') return { clientOrderId: cid, orderId: found };
        if (found === undefined) {
          // The venue cannot be asked now: the order may exist. It stays pending until a lookup
          // answers (reconcile after reconnect, or at stop); it is never re-sent.
          return { clientOrderId: cid, orderId: undefined, pending: `outcome unknown (${err.message}); the venue could not be asked yet` };
        }
        this.pendingIntents.delete(cid);
        return this.reject(cid, req, `not received by the venue (${err.message}); looked up by client id and not found, not re-sent`);
      }
      if (err instanceof ApiResponseError) return this.reject(cid, req, `venue: ${err.serverMessage} (code ${err.code})`);
      throw err;
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Finds an order by its client id (userMark); journals it as accepted when found. Returns the
   * order id, `null` when the venue answered and has no such order, or `undefined` when the venue
   * could not be asked (the outcome is still unknown).
   */
  private async lookup(cid: string, attempts = 4): Promise<string | null | undefined> {
    for (let i = 0; i < attempts; i++) {
      try {
        const o = (await this.venue.orders()).find((x) => x.userMark === cid);
        if (o) {
          this.pendingIntents.delete(cid);
          this.journal.append({ t: Date.now(), e: 'accepted', cid, orderId: o.id });
          this.onOrder(o);
          return o.id;
        }
        return null;
      } catch (err) {
        this.log.warn('order lookup failed; retrying (a read, safe to repeat)', { cid, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      }
    }
    return undefined;
  }

  /**
   * Brings the runtime back in line with the venue after a push gap or a restart: fills missed
   * during the gap are delivered (once), positions and open orders replaced by the venue's, and
   * intents whose outcome was unknown are looked up.
   */
  async reconcile(): Promise<{ missedFills: number }> {
    let missed = 0;
    for (const cid of [...this.pendingIntents.keys()]) {
      const found = await this.lookup(cid);
      if (found === undefined) throw new Error(`reconcile: cannot look up order ${cid} yet; its outcome stays unknown`);
      if (found === null) {
        const req = this.pendingIntents.get(cid)!;
        this.pendingIntents.delete(cid);
        this.reject(cid, req, 'not received by the venue (looked up by client id after the outage: not found)');
      }
    }
    const fills = await this.venue.fills(this.since);
    fills.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
    for (const f of fills) if (this.onFill(f)) missed++;
    const open = await this.venue.openOrders();
    this.open.clear();
    for (const o of open) this.open.set(o.id, o);
    this.portfolio.resetPositions(await this.venue.positions());
    this.portfolio.setAssets(await this.venue.assets());
    return { missedFills: missed };
  }

  async cancel(orderId: string): Promise<void> {
    this.inFlight++;
    try {
      await this.venue.cancelOrder(orderId);
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
      await Promise.all(open.map((o) => this.venue.cancelOrder(o.id).catch((e: Error) => this.log.warn('cancel failed', { id: o.id, error: e.message }))));
      return open.length;
    } finally {
      this.inFlight--;
    }
  }

  /** Cancels open orders, then closes each position with a market order (one call in flight throughout). */
  async flatten(symbol?: string): Promise<void> {
    this.inFlight++;
    try {
      await this.cancelAll(symbol);
      for (const p of this.portfolio.positions()) {
        if (symbol && p.symbol !== symbol) continue;
        await this.submit({ symbol: p.symbol, side: p.quantity > 0 ? 'SELL' : 'BUY', quantity: Math.abs(p.quantity), type: 'market' });
      }
    } finally {
      this.inFlight--;
    }
  }
}
