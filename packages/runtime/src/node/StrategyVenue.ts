import { filter, map, type Observable, Subject } from 'rxjs';
import { ApiResponseError, type AccountAssets, type Bar, type ConnectionState, type Fill, type Order, type OrderRequest, type PlacedOrder, type Position, type Quote } from '@pounce/core';
import type { FeeModel } from '@pounce/matching';
import { IdRunSet } from '../execution/IdRunSet.ts';
import { Portfolio } from '../portfolio/Portfolio.ts';
import type { Venue } from '../venue/Venue.ts';
import type { AccountRisk } from './AccountRisk.ts';
import { VenueRouter } from './VenueRouter.ts';

export interface StrategyVenueOptions {
  tag: string;
  /** The cash this strategy starts with in its own book (see docs/node.md: capital). */
  capital: number;
  fees: FeeModel;
  accountRisk: AccountRisk;
  /** Every venue price seen by the node (bars, quotes), for the account risk's exposure. */
  onPrice(symbol: string, price: number): void;
}

/**
 * One strategy's view of the node's shared venue: its TradingEngine runs on it as on a venue of
 * its own. Orders and fills are the strategy's only (routed by the tag in the userMark);
 * positions, cash and P&L are its own book, built from its own fills on a starting `capital` (a
 * strategy never sees the account's positions, nor another strategy's); orders pass the
 * account-wide risk check before they reach the venue. Connecting and stopping are the node's.
 */
export class StrategyVenue implements Venue {
  readonly orders$ = new Subject<Order>();
  readonly fills$ = new Subject<Fill>();
  readonly positions$: Observable<Position>;
  readonly assets$: Observable<AccountAssets>;
  readonly connection$: Observable<ConnectionState>;
  /** The strategy's own book: every fill routed to it, once (independent of its engine's dedupe). */
  readonly book: Portfolio;
  private readonly seen = new IdRunSet();
  private readonly traded = new Set<string>();

  constructor(private readonly shared: Venue, private readonly router: VenueRouter, private readonly o: StrategyVenueOptions) {
    // The account's asset figures are not this strategy's: its cash is its capital and its own fills.
    this.book = new Portfolio(o.fees, { venueFigures: false });
    this.book.setAssets({ account: shared.account, currency: 'USD', cashBalance: o.capital, buyingPower: o.capital, netLiquidation: o.capital, grossPositionValue: 0, realizedPnl: 0, unrealizedPnl: 0, time: 0 });
    router.attach(o.tag, { order: (x) => this.onOrder(x), fill: (f) => this.onFill(f), error: (e) => (this.orders$.error(e), this.fills$.error(e)) });
    // The account's position pushes carry account quantities: only their prices are taken, as this strategy's own positions.
    this.positions$ = shared.positions$.pipe(
      filter((p) => this.book.position(p.symbol) !== 0),
      map((p) => (this.book.mark(p.symbol, p.latestPrice), this.positionOf(p.symbol))),
    );
    this.assets$ = shared.assets$.pipe(map((a) => this.ownAssets(a)));
    this.connection$ = shared.connection$;
  }

  get kind() {
    return this.shared.kind;
  }

  // Time and market data are the shared venue's: a strategy's view changes only what it owns.
  get clock() {
    return this.shared.clock;
  }

  get barKind() {
    return this.shared.barKind;
  }

  get ownTimeframe() {
    return this.shared.ownTimeframe;
  }

  get klines(): Venue['klines'] {
    const shared = this.shared;
    if (!shared.klines) return undefined;
    // Daily bars reach a strategy by REST after each close (not on bars$): their closes are prices too.
    return async (symbols, q) => {
      const bars = await shared.klines!(symbols, q);
      for (const [symbol, list] of bars) {
        const last = list[list.length - 1];
        if (last) this.o.onPrice(symbol, last.close);
      }
      return bars;
    };
  }

  get tradingDays(): Venue['tradingDays'] {
    const shared = this.shared;
    return shared.tradingDays ? (market, from, to) => shared.tradingDays!(market, from, to) : undefined;
  }

  get account(): string {
    return this.shared.account;
  }

  get tag(): string {
    return this.o.tag;
  }

  now(): number {
    return this.shared.now();
  }

  runStartTime(): number {
    return this.shared.runStartTime();
  }

  /** The node connects the shared venue before any strategy starts. */
  async start(): Promise<void> {}

  /** The node stops the shared venue after every strategy has stopped. */
  async stop(): Promise<void> {
    this.orders$.complete();
    this.fills$.complete();
  }

  bars$(symbols: readonly string[]): Observable<Bar> {
    return this.shared.bars$(symbols).pipe(map((b) => (this.o.onPrice(b.symbol, b.close), b)));
  }

  quotes$(symbols: readonly string[]): Observable<Quote> {
    return this.shared.quotes$(symbols).pipe(map((q) => (q.latestPrice !== undefined && this.o.onPrice(q.symbol, q.latestPrice), q)));
  }

  private onOrder(o: Order): void {
    this.book.applyOrder(o);
    this.orders$.next(o);
  }

  private onFill(f: Fill): void {
    this.apply(f);
    this.fills$.next(f);
  }

  /** Books a fill once, however many times it is delivered (push, then reconciliation). */
  private apply(f: Fill): void {
    if (!this.seen.add(f.id)) return;
    this.traded.add(f.symbol);
    this.book.applyFill(f);
  }

  /** True when `req` only brings this strategy's own position toward zero. */
  private reducesOnly(req: OrderRequest): boolean {
    const held = this.book.position(req.symbol);
    return held !== 0 && (req.action === 'SELL') === held > 0 && req.quantity <= Math.abs(held);
  }

  private checkAccount(req: OrderRequest): void {
    const refusal = this.o.accountRisk.check(req, this.reducesOnly(req));
    // A refusal before the venue is a refusal: the order does not exist (ExecutionEngine rejects it).
    if (refusal) throw new ApiResponseError(0, `account risk: ${refusal}`, 'place_order');
  }

  async placeOrder(req: OrderRequest): Promise<PlacedOrder> {
    this.checkAccount(req);
    const placed = await this.shared.placeOrder(req).catch((e: unknown) => {
      // Refused by the venue: it trades nothing. (A timeout may have placed it: it stays counted.)
      if (e instanceof ApiResponseError && req.userMark) this.o.accountRisk.orderEndedUnfilled(req.userMark);
      throw e;
    });
    this.router.learnPlaced(placed.id, this.o.tag);
    return placed;
  }

  async placeOcaOrders(reqs: readonly OrderRequest[]): Promise<PlacedOrder[]> {
    for (const r of reqs) this.checkAccount(r);
    const placed = await this.shared.placeOcaOrders(reqs);
    for (const p of placed) this.router.learnPlaced(p.id, this.o.tag);
    return placed;
  }

  /** Refuses another strategy's order; an id the router does not hold is asked of the venue first. */
  private async mine(orderId: string, what: string): Promise<void> {
    const tag = await this.router.resolve(orderId);
    if (tag !== undefined && tag !== this.o.tag) throw new Error(`${what}: order ${orderId} is not this strategy's (tag "${this.o.tag}")`);
  }

  async cancelOrder(orderId: string): Promise<void> {
    await this.mine(orderId, 'cancel');
    await this.shared.cancelOrder(orderId);
  }

  async modifyOrder(orderId: string, req: OrderRequest): Promise<void> {
    await this.mine(orderId, 'modify');
    await this.shared.modifyOrder(orderId, req);
  }

  async findOrderByUserMark(userMark: string, since: number): Promise<Order | undefined> {
    const o = await this.shared.findOrderByUserMark(userMark, since);
    if (o !== undefined) this.learned(o);
    return o;
  }

  /** This strategy's order by id; undefined for another strategy's, an outside one, or an unknown id. */
  async orderById(orderId: string): Promise<Order | undefined> {
    const o = await this.shared.orderById?.(orderId);
    return o !== undefined && this.learned(o) ? o : undefined;
  }

  /**
   * An order learned by a lookup, not by a push: routed like a pushed one and, when it is this
   * strategy's, applied to its book (the commission is replaced, not added), so a final status
   * that only a lookup delivered still settles the book's fee entry. True when it is this strategy's.
   */
  private learned(o: Order): boolean {
    if (this.router.noteOrder(o) !== this.o.tag) return false;
    this.book.applyOrder(o);
    return true;
  }

  async openOrders(): Promise<Order[]> {
    return (await this.shared.openOrders()).filter((o) => this.router.noteOrder(o) === this.o.tag);
  }

  /** The account's executions since `since` whose order carries this strategy's tag. */
  async fills(since: number): Promise<Fill[]> {
    const own: Fill[] = [];
    for (const f of await this.shared.fills(since)) {
      if ((await this.router.resolve(f.orderId)) !== this.o.tag) continue;
      this.apply(f);
      own.push(f);
    }
    return own;
  }

  /** This strategy's positions: from its own fills, never the account's list. */
  async positions(): Promise<Position[]> {
    return this.book.positions().map((p) => this.positionOf(p.symbol));
  }

  async assets(): Promise<AccountAssets> {
    return this.ownAssets(await this.shared.assets());
  }

  private positionOf(symbol: string): Position {
    const v = this.book.view(symbol);
    const last = this.book.price(symbol) ?? v.averagePrice;
    return { account: this.account, symbol, quantity: v.quantity, averageCost: v.averagePrice, latestPrice: last, marketValue: v.quantity * last, realizedPnl: v.realizedPnl, unrealizedPnl: v.unrealizedPnl };
  }

  /**
   * The account's figure with this strategy's own cash and value. Untimed: it reflects every fill
   * routed to the strategy so far (its engine's ledger takes it as the whole truth).
   */
  private ownAssets(a: AccountAssets): AccountAssets {
    let realized = 0;
    let unrealized = 0;
    for (const p of this.book.positions()) unrealized += this.book.view(p.symbol).unrealizedPnl;
    for (const s of this.traded) realized += this.book.view(s).realizedPnl;
    const cash = this.book.cash;
    return { ...a, cashBalance: cash, buyingPower: cash, netLiquidation: this.book.equity(), grossPositionValue: this.book.grossExposure(), realizedPnl: realized, unrealizedPnl: unrealized, time: 0 };
  }
}
