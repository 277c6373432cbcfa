import type { Observable } from 'rxjs';
import type { AccountAssets, Bar, Clock, ConnectionState, Fill, Order, OrderRequest, PlacedOrder, Position, Quote, TradingDay } from '@pounce/core';

export type VenueKind = 'backtest' | 'embedded-paper' | 'paper' | 'live';

/** A kline request for history: the newest `limit` bars of `period` up to `endTime`. */
export interface KlineRequest {
  /** OpenAPI kline period: `1min`, `5min`, `60min`, `day`, ... */
  period: string;
  endTime: number;
  beginTime?: number;
  limit: number;
  /** Price adjustment: `br` (adjusted for splits and dividends) or `nr` (none). */
  right: 'br' | 'nr';
}

/**
 * One unified surface over every place a strategy can trade (the ccxt idea): the local gateway,
 * a paper or live account on the service, or the backtester's simulated exchange.
 */
export interface Venue {
  readonly kind: VenueKind;
  readonly account: string;
  /** Venue time (replay time where the venue replays history). */
  now(): number;
  /**
   * Where a run starting now should reconcile fills from. Never later than the venue's own fill
   * timestamps for this run: a paper venue that has not seen market time yet answers 0.
   */
  runStartTime(): number;
  /**
   * The venue's clock: `now()` as above, and sleeps that end when venue time has moved on (replay
   * time on a replaying venue, so a bar due at a session's close is emitted at that close).
   */
  readonly clock: Clock;
  /**
   * What `bars$` delivers: `complete` bars of the data's own period (a backtest), or `forming`
   * klines as the push stream sends them (the current minute, again and again while it forms).
   */
  readonly barKind: 'complete' | 'forming';
  /**
   * The period of the venue's own data when its push stream carries no bars of it (`1d` on a gateway
   * replaying daily files): a strategy without a timeframe then gets these, by REST after each close.
   */
  readonly ownTimeframe?: string;
  /** Bars from the venue's REST history (warm-up, a daily bar after the close); absent where there is none. */
  klines?(symbols: readonly string[], q: KlineRequest): Promise<Map<string, Bar[]>>;
  /** The broker's trading calendar (dates from `from` included to `to` excluded); absent where there is none. */
  tradingDays?(market: string, from: string, to: string): Promise<TradingDay[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
  bars$(symbols: readonly string[]): Observable<Bar>;
  quotes$(symbols: readonly string[]): Observable<Quote>;
  readonly orders$: Observable<Order>;
  readonly fills$: Observable<Fill>;
  readonly positions$: Observable<Position>;
  readonly assets$: Observable<AccountAssets>;
  readonly connection$: Observable<ConnectionState>;
  /**
   * Places an order. A refusal rejects with the `ApiResponseError` the OpenAPI client raises for it
   * (its class, code and the venue's words; the backtest raises the same); any other error means the
   * outcome is unknown and the order is looked up by its userMark, never re-sent.
   */
  placeOrder(req: OrderRequest): Promise<PlacedOrder>;
  /**
   * Places an OCA group (the wire's order_type OCA): one order per request, in order, each with
   * its userMark. Errors as `placeOrder`'s; after an unknown outcome each order is looked up.
   */
  placeOcaOrders(reqs: readonly OrderRequest[]): Promise<PlacedOrder[]>;
  cancelOrder(orderId: string): Promise<void>;
  modifyOrder(orderId: string, req: OrderRequest): Promise<void>;
  /**
   * The order of this account carrying `userMark`, among the orders created since `since` (venue
   * time, epoch ms: the run's start), every page of them; undefined when there is none. How the
   * runtime finds an order whose place_order reply was lost.
   */
  findOrderByUserMark(userMark: string, since: number): Promise<Order | undefined>;
  /**
   * One order of this account by its id, undefined when the venue does not know it. Optional: a
   * reconcile asks it for the final status of an order that left the open list (one request, where
   * a userMark search may page through every order since the run's start); without it, the
   * userMark search is used.
   */
  orderById?(orderId: string): Promise<Order | undefined>;
  openOrders(): Promise<Order[]>;
  /** Executions since `since` (epoch ms), for reconciliation. */
  fills(since: number): Promise<Fill[]>;
  positions(): Promise<Position[]>;
  assets(): Promise<AccountAssets>;
}
