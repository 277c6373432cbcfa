import { defer, share, tap, type Observable } from 'rxjs';
import type { AccountAssets, Bar, ConnectionState, Fill, OpenApiClient, Order, OrderRequest, PlacedOrder, Position, PushClient, Quote } from '@pounce/core';
import type { Venue, VenueKind } from './Venue.ts';

/**
 * A venue that speaks the OpenAPI: signed HTTP for commands and queries, the push stream for
 * events. The same class serves the local gateway, a paper account and a live account.
 */
export class OpenApiVenue implements Venue {
  readonly orders$: Observable<Order>;
  readonly fills$: Observable<Fill>;
  readonly positions$: Observable<Position>;
  readonly assets$: Observable<AccountAssets>;
  readonly connection$: Observable<ConnectionState>;

  /** Latest market-data time seen; venue time for paper venues (a replaying gateway runs its own clock). */
  private marketTime: number | undefined;

  constructor(
    readonly kind: VenueKind,
    private readonly api: OpenApiClient,
    private readonly push: PushClient,
    private readonly symbols: readonly string[],
    private readonly clock?: () => number,
    private readonly onStop: () => Promise<void> = async () => {},
  ) {
    const acct = api.account;
    this.orders$ = push.orders$(acct).pipe(share());
    this.fills$ = push.fills$(acct).pipe(share());
    this.positions$ = push.positions$(acct).pipe(share());
    this.assets$ = push.assets$(acct).pipe(share());
    this.connection$ = push.connection$;
  }

  get account(): string {
    return this.api.account;
  }

  /** Live: wall time. Otherwise the given clock, or the market's own time as last seen. */
  now(): number {
    if (this.clock) return this.clock();
    if (this.kind === 'live') return Date.now();
    return this.marketTime ?? Date.now();
  }

  runStartTime(): number {
    if (this.clock) return this.clock();
    if (this.marketTime !== undefined) return this.marketTime;
    // No market time yet: live fills carry wall time; a replaying paper venue may be anywhere.
    return this.kind === 'live' ? Date.now() - 86_400_000 : 0;
  }

  private seen = (t: number) => {
    if (t > (this.marketTime ?? 0)) this.marketTime = t;
  };

  async start(): Promise<void> {
    await this.push.connect();
    if (!this.clock && this.kind !== 'live' && this.symbols.length > 0) {
      for (const q of await this.api.quoteRealTime([...this.symbols])) this.seen(q.latestTime);
    }
  }

  async stop(): Promise<void> {
    await this.push.close();
    await this.onStop();
  }

  bars$(symbols: readonly string[]): Observable<Bar> {
    return defer(() => this.push.bars$([...symbols])).pipe(tap((b) => this.seen(b.time)));
  }

  quotes$(symbols: readonly string[]): Observable<Quote> {
    return defer(() => this.push.quotes$([...symbols])).pipe(tap((q) => this.seen(q.time)));
  }

  placeOrder(req: OrderRequest): Promise<PlacedOrder> {
    return this.api.placeOrder(req);
  }

  placeOcaOrders(reqs: readonly OrderRequest[]): Promise<PlacedOrder[]> {
    return this.api.placeOcaOrders(reqs);
  }

  async cancelOrder(orderId: string): Promise<void> {
    await this.api.cancelOrder(orderId);
  }

  async modifyOrder(orderId: string, req: OrderRequest): Promise<void> {
    await this.api.modifyOrder(orderId, req);
  }

  findOrderByUserMark(userMark: string, since: number): Promise<Order | undefined> {
    return this.api.findOrder({ startDate: since }, (o) => o.userMark === userMark);
  }

  /** One order by its id (a node attributes a fill of an order it has not seen this way). */
  orderById(orderId: string): Promise<Order | undefined> {
    return this.api.order(orderId);
  }

  openOrders(): Promise<Order[]> {
    return this.api.activeOrders();
  }

  fills(since: number): Promise<Fill[]> {
    return this.api.orderTransactions({ startDate: since, limit: 100 });
  }

  positions(): Promise<Position[]> {
    return this.api.positions();
  }

  assets(): Promise<AccountAssets> {
    return this.api.assets();
  }
}
