import type { Observable } from 'rxjs';
import type { AccountAssets, Bar, ConnectionState, Fill, Order, OrderRequest, PlacedOrder, Position, Quote } from '@pounce/core';

export type VenueKind = 'backtest' | 'embedded-paper' | 'paper' | 'live';

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
  openOrders(): Promise<Order[]>;
  /** Executions since `since` (epoch ms), for reconciliation. */
  fills(since: number): Promise<Fill[]>;
  positions(): Promise<Position[]>;
  assets(): Promise<AccountAssets>;
}
