import { defer, share, tap, type Observable, type Subscription } from 'rxjs';
import { BizParamError, systemClock, TradeError, type AccountAssets, type Bar, type Clock, type ConnectionState, type Fill, type OpenApiClient, type Order, type OrderRequest, type PlacedOrder, type Position, type PushClient, type Quote, type TradingDay } from '@pounce/core';
import { MarketClock } from './MarketClock.ts';
import type { KlineRequest, Venue, VenueKind } from './Venue.ts';

/** Symbols per kline request. */
const KLINE_BATCH = 10;
/**
 * How long `start` waits for the first market-data time when the venue's quote answer had none: a
 * replaying gateway starts its replay at the first subscription, and its first step follows.
 */
const FIRST_MARKET_TIME_MS = 10_000;

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
  readonly clock: Clock;
  /** The push stream's klines: the current minute, again while it forms. */
  readonly barKind = 'forming' as const;
  private readonly marketClock: MarketClock | undefined;
  private readonly givenNow: (() => number) | undefined;
  private marketTimeSub: Subscription | undefined;

  /** Latest market-data time seen; venue time for paper venues (a replaying gateway runs its own clock). */
  private marketTime: number | undefined;

  constructor(
    readonly kind: VenueKind,
    private readonly api: OpenApiClient,
    private readonly push: PushClient,
    private readonly symbols: readonly string[],
    /**
     * The venue's clock: a Clock (the embedded gateway's ReplayClock), or a function of its time
     * (sleeps then end as market time moves). Default: wall time live, market time otherwise.
     */
    clock?: Clock | (() => number),
    private readonly onStop: () => Promise<void> = async () => {},
    /** See Venue.ownTimeframe (the embedded gateway's daily replay). */
    readonly ownTimeframe?: string,
  ) {
    if (typeof clock === 'function') this.givenNow = clock;
    else if (clock) this.givenNow = () => clock.now();
    if (clock && typeof clock !== 'function') this.clock = clock;
    else if (kind === 'live' && !clock) this.clock = systemClock;
    else this.clock = this.marketClock = new MarketClock(() => this.now());
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
    if (this.givenNow) return this.givenNow();
    if (this.kind === 'live') return Date.now();
    return this.marketTime ?? Date.now();
  }

  runStartTime(): number {
    if (this.givenNow) return this.givenNow();
    if (this.marketTime !== undefined) return this.marketTime;
    // No market time yet: live fills carry wall time; a replaying paper venue may be anywhere.
    return this.kind === 'live' ? Date.now() - 86_400_000 : 0;
  }

  private timeKnown: (() => void) | undefined;

  private seen = (t: number) => {
    if (t > (this.marketTime ?? 0)) this.marketTime = t;
    this.marketClock?.poke();
    if (this.marketTime !== undefined) this.timeKnown?.();
  };

  async start(): Promise<void> {
    await this.push.connect();
    if (!this.givenNow && this.kind !== 'live' && this.symbols.length > 0) {
      for (const q of await this.api.quoteRealTime([...this.symbols])) this.seen(q.latestTime);
      // Market time moves with every quote, whether or not the strategy reads quotes (a daily
      // strategy gets no kline pushes at all, yet its bar is due at the close).
      this.marketTimeSub = this.push.quotes$([...this.symbols]).subscribe((q) => this.seen(q.time));
      // A gateway whose replay starts at this subscription has no quote before its first step:
      // until one arrives, now() would be wall time, and a strategy starting then would schedule
      // its first bar on today's calendar, decades after the replayed market (it never got a bar).
      if (this.marketTime === undefined) await this.firstMarketTime(FIRST_MARKET_TIME_MS);
    }
  }

  /** Resolves once a market-data time is known, after `ms`, or at `stop` (now() is wall time until a time is known). */
  private firstMarketTime(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.timeKnown = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms).unref();
      this.timeKnown = done;
    });
  }

  async stop(): Promise<void> {
    this.timeKnown?.();
    this.marketClock?.stopTimer();
    this.marketTimeSub?.unsubscribe();
    await this.push.close();
    await this.onStop();
  }

  bars$(symbols: readonly string[]): Observable<Bar> {
    return defer(() => this.push.bars$([...symbols])).pipe(tap((b) => this.seen(b.time)));
  }

  quotes$(symbols: readonly string[]): Observable<Quote> {
    return defer(() => this.push.quotes$([...symbols])).pipe(tap((q) => this.seen(q.time)));
  }

  /** History by REST, in batches of symbols (one kline request per batch, within the client's rate limits). */
  async klines(symbols: readonly string[], q: KlineRequest): Promise<Map<string, Bar[]>> {
    const out = new Map<string, Bar[]>();
    for (let i = 0; i < symbols.length; i += KLINE_BATCH) {
      const batch = await this.api.klineBatch(symbols.slice(i, i + KLINE_BATCH), { period: q.period, beginTime: q.beginTime, endTime: q.endTime, limit: q.limit, right: q.right });
      for (const [s, bars] of batch) out.set(s, bars);
    }
    return out;
  }

  tradingDays(market: string, from: string, to: string): Promise<TradingDay[]> {
    return this.api.tradingCalendar(market, from, to);
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

  /**
   * One order by its id (a node attributes a fill of an order it has not seen this way), or
   * undefined when the venue answers that it has no such order: a trade or parameter error for
   * this id (the local gateway's "order not found" is code 1300). A failure that may pass (no
   * answer, throttling, a server error) is thrown, so the caller asks again.
   */
  async orderById(orderId: string): Promise<Order | undefined> {
    try {
      return await this.api.order(orderId);
    } catch (err) {
      if (err instanceof TradeError || err instanceof BizParamError) return undefined;
      throw err;
    }
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
