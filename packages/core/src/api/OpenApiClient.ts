import type { AccountKind } from '../config/accountKind.ts';
import type { OpenApiConfig } from '../config/loadConfig.ts';
import { HttpTransport, type CallOptions, type HttpTransportOptions } from '../http/HttpTransport.ts';
import { errorForCode } from '../http/errors.ts';
import { silentLogger, type Logger } from '../log/Logger.ts';
import { OncePerKeyLog } from '../log/OncePerKeyLog.ts';
import type { AccountAssets, Bar, Contract, Depth, Fill, KlinePage, MarketState, Order, OrderPreview, OrderQuery, OrderRequest, PlacedOrder, Position, QuoteBrief, Tick, TradingDay } from './models.ts';
import { parseCorporateDividends, parseCorporateSplits, type CorporateDividend, type CorporateSplit } from './corporateActions.ts';
import { ocaOrderBiz, orderBiz } from './orderBiz.ts';
import {
  parseContract, parseDepth, parseFill, parseGlobalAssets, parseKlinePage, parseMarketState, parseOrder, parseOrderPreview,
  parsePosition, parsePrimeAssets, parseQuoteBrief, parseTradeTicks, parseTradingDay,
} from './parseModels.ts';
import { asObject, id, items, num, WireFormatError, type WireObject } from './wireFields.ts';
import { parseQuotePermissions, type QuotePermission } from './quotePermission.ts';
import { TokenKeeper } from '../http/TokenKeeper.ts';

/** The python SDK checks the token every 5 minutes (tiger_open_config.py TOKEN_CHECK_INTERVAL). */
export const TOKEN_CHECK_INTERVAL_MS = 5 * 60_000;

export interface KlineQuery {
  period: string;
  beginTime?: number;
  endTime?: number;
  limit?: number;
  right?: 'br' | 'nr';
}

/**
 * The typed OpenAPI methods over one signed HTTP transport. Requests are snake_case biz objects;
 * replies are parsed into camelCase models at this edge, with ids as decimal strings.
 *
 * @example
 * ```ts
 * const client = OpenApiClient.fromConfig(loadConfig());
 * const placed = await client.placeOrder({ symbol: 'AAPL', action: 'BUY', orderType: 'LMT', quantity: 1, limitPrice: 150 });
 * const order = await client.order(placed.id);
 * ```
 */
export class OpenApiClient {
  private readonly unknownStatuses: OncePerKeyLog;
  private readonly log: Logger;
  private tokenTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly http: HttpTransport,
    readonly account: string,
    readonly accountKind: AccountKind,
    private readonly secretKey: string | undefined,
    log: Logger = silentLogger,
    /** The TBHK token (expiry, refresh), when the config has one. */
    readonly token: TokenKeeper | undefined = undefined,
  ) {
    this.log = log;
    this.unknownStatuses = new OncePerKeyLog(log);
  }

  static fromConfig(cfg: OpenApiConfig, extra: Partial<HttpTransportOptions> & { logger?: Logger } = {}): OpenApiClient {
    const token = cfg.token ? new TokenKeeper({ token: cfg.token, path: cfg.tokenPath, refreshAfterSeconds: cfg.tokenRefreshSeconds, logger: extra.logger }) : undefined;
    const http = new HttpTransport({
      tigerId: cfg.tigerId, privateKey: cfg.privateKey, serverPublicKey: cfg.serverPublicKey, serverUrl: cfg.serverUrl, quoteServerUrl: cfg.quoteServerUrl,
      token: cfg.token?.token, tokenKeeper: token, language: cfg.language, deviceId: cfg.deviceId, timeoutMs: cfg.timeoutMs, paperAccount: cfg.accountKind === 'paper', ...extra,
    });
    return new OpenApiClient(http, cfg.account, cfg.accountKind, cfg.secretKey, extra.logger, token);
  }

  // ---- session ----
  /**
   * Takes this tiger_id's quote permission for this device (device_id) from whichever device
   * held it, as the python QuoteClient and java TigerHttpClient do at start-up by default.
   * Returns what this device now holds.
   */
  async grabQuotePermission(o?: CallOptions): Promise<QuotePermission[]> {
    return parseQuotePermissions(await this.http.call('grab_quote_permission', undefined, o));
  }

  /** The quote permissions this device holds (get_quote_permission); read-only, takes nothing. */
  async quotePermissions(o?: CallOptions): Promise<QuotePermission[]> {
    return parseQuotePermissions(await this.http.call('get_quote_permission', undefined, o));
  }

  /** The license of this tiger_id (`user_license`), e.g. TBSG, TBNZ, TBHK, TBUS. */
  async userLicense(o?: CallOptions): Promise<string> {
    return String(asObject(await this.http.call('user_license', undefined, o), 'user_license').license ?? '');
  }

  /**
   * Refreshes the TBHK token with `user_token_refresh` when token_refresh_duration says it is due
   * (python should_token_refresh) and rewrites the token file. Returns true when refreshed.
   */
  async refreshTokenIfDue(now = Date.now()): Promise<boolean> {
    const keeper = this.token;
    if (!keeper) return false;
    keeper.reload();
    if (!keeper.refreshDue(now)) return false;
    const data = asObject(await this.http.call('user_token_refresh', undefined), 'user_token_refresh');
    if (typeof data.token !== 'string' || data.token === '') throw new WireFormatError('token', 'a token string', data.token);
    keeper.accept(data.token);
    return true;
  }

  /** Checks every 5 minutes (the python schedule) whether the token is due; a failure is logged, never thrown. */
  startTokenRefresh(intervalMs = TOKEN_CHECK_INTERVAL_MS): void {
    if (!this.token || this.tokenTimer) return;
    const check = () => void this.refreshTokenIfDue().catch((err: Error) => this.log.warn('TBHK token refresh failed; retrying at the next check', { error: err.message }));
    this.tokenTimer = setInterval(check, intervalMs);
    this.tokenTimer.unref();
    check();
  }

  stopTokenRefresh(): void {
    clearInterval(this.tokenTimer);
    this.tokenTimer = undefined;
  }

  private trade(extra: Record<string, unknown>): Record<string, unknown> {
    const biz: Record<string, unknown> = { account: this.account, ...extra };
    if (this.secretKey) biz.secret_key = this.secretKey;
    return biz;
  }

  /** parseOrder, logging each status value no SDK table names once (the order keeps it as Unknown). */
  private readonly readOrder = (v: unknown): Order => {
    const o = parseOrder(v);
    if (o.status === 'Unknown') {
      this.unknownStatuses.warn(o.rawStatus ?? '', 'order with an unknown status; kept as Unknown (not final) until a later lookup', { status: o.rawStatus, id: o.id });
    }
    return o;
  };

  // ---- quotes ----
  async marketState(market = 'US', o?: CallOptions): Promise<MarketState[]> {
    return items(await this.http.call('market_state', { market, lang: 'en_US' }, o), 'market_state').map(parseMarketState);
  }

  async quoteRealTime(symbols: string[], o?: CallOptions): Promise<QuoteBrief[]> {
    return items(await this.http.call('quote_real_time', { symbols, include_hour_trading: false }, o), 'quote_real_time').map(parseQuoteBrief);
  }

  async klinePage(symbol: string, q: KlineQuery & { pageToken?: string }, o?: CallOptions): Promise<KlinePage> {
    const biz: Record<string, unknown> = { symbols: [symbol], period: q.period, begin_time: q.beginTime ?? -1, end_time: q.endTime ?? -1, right: q.right ?? 'br', limit: q.limit ?? 251 };
    if (q.pageToken) biz.page_token = q.pageToken;
    const pages = items(await this.http.call('kline', biz, o), 'kline').map(parseKlinePage);
    return pages[0] ?? { symbol, period: q.period, bars: [], nextPageToken: undefined };
  }

  /**
   * All bars in the range, oldest first, following `nextPageToken` until the last page (pages may
   * come newest-first; bars are merged by time, duplicates dropped).
   */
  async kline(symbol: string, q: KlineQuery, o?: CallOptions): Promise<Bar[]> {
    const byTime = new Map<number, Bar>();
    let token: string | undefined;
    do {
      const page = await this.klinePage(symbol, { ...q, pageToken: token }, o);
      for (const b of page.bars) byTime.set(b.time, b);
      token = page.nextPageToken;
    } while (token);
    return [...byTime.values()].sort((a, b) => a.time - b.time);
  }

  /**
   * The newest `limit` bars (at most 1200) of each symbol up to `endTime`, in one request for
   * many symbols (no paging: the service pages only single-symbol requests). Oldest first.
   *
   * @example
   * ```ts
   * const bySymbol = await client.klineBatch(['AAPL', 'NVDA'], { period: 'day', limit: 60, right: 'br' });
   * ```
   */
  async klineBatch(symbols: string[], q: KlineQuery, o?: CallOptions): Promise<Map<string, Bar[]>> {
    const biz: Record<string, unknown> = { symbols, period: q.period, begin_time: q.beginTime ?? -1, end_time: q.endTime ?? -1, right: q.right ?? 'br', limit: Math.min(q.limit ?? 251, 1200) };
    const out = new Map<string, Bar[]>(symbols.map((s) => [s, []]));
    for (const page of items(await this.http.call('kline', biz, o), 'kline').map(parseKlinePage)) out.set(page.symbol, [...page.bars].sort((a, b) => a.time - b.time));
    return out;
  }

  /**
   * Trading and non-trading dates of a market (`US`, `HK`) from `beginDate` (included) to
   * `endDate` (excluded), `yyyy-MM-dd`; the SDK's `get_trading_calendar`.
   *
   * @example
   * ```ts
   * const days = await client.tradingCalendar('US', '2024-07-01', '2024-07-08'); // 2024-07-04: trading false
   * ```
   */
  async tradingCalendar(market: string, beginDate: string, endDate: string, o?: CallOptions): Promise<TradingDay[]> {
    return items(await this.http.call('trading_calendar', { market, begin_date: beginDate, end_date: endDate, lang: 'en_US' }, o), 'trading_calendar').map(parseTradingDay);
  }

  /**
   * Splits with an ex-date in [beginTime, endTime] (epoch ms), as the python SDK's
   * `QuoteClient.get_corporate_split` asks for them (method corporate_action, action_type split).
   */
  async corporateSplits(symbols: string[], q: { market?: string; beginTime: number; endTime: number }, o?: CallOptions): Promise<CorporateSplit[]> {
    const market = q.market ?? 'US';
    return parseCorporateSplits(await this.http.call('corporate_action', { symbols, market, action_type: 'split', begin_date: q.beginTime, end_date: q.endTime, lang: 'en_US' }, o), market);
  }

  /** Cash dividends with an ex-date in [beginTime, endTime], as `QuoteClient.get_corporate_dividend` asks for them. */
  async corporateDividends(symbols: string[], q: { market?: string; beginTime: number; endTime: number }, o?: CallOptions): Promise<CorporateDividend[]> {
    const market = q.market ?? 'US';
    return parseCorporateDividends(await this.http.call('corporate_action', { symbols, market, action_type: 'dividend', begin_date: q.beginTime, end_date: q.endTime, lang: 'en_US' }, o), market);
  }

  async quoteDepth(symbols: string[], market = 'US', o?: CallOptions): Promise<Depth[]> {
    return items(await this.http.call('quote_depth', { symbols, market }, o), 'quote_depth').map(parseDepth);
  }

  async tradeTicks(symbols: string[], limit = 200, o?: CallOptions): Promise<Tick[]> {
    return items(await this.http.call('trade_tick', { symbols, symbol: symbols[0], limit }, o), 'trade_tick').flatMap(parseTradeTicks);
  }

  async contract(symbol: string, secType = 'STK', o?: CallOptions): Promise<Contract> {
    const c = items(await this.http.call('contract', this.trade({ symbol, sec_type: secType }), o), 'contract')[0];
    return parseContract(c);
  }

  async contracts(symbols: string[], secType = 'STK', o?: CallOptions): Promise<Contract[]> {
    return items(await this.http.call('contracts', this.trade({ symbols, sec_type: secType }), o), 'contracts').map(parseContract);
  }

  // ---- orders ----
  /** Never retried automatically: after a timeout, look the order up (by userMark) before re-sending. */
  async placeOrder(req: OrderRequest, o?: CallOptions): Promise<PlacedOrder> {
    const data = orderReply(await this.http.call('place_order', orderBiz(this.account, req, this.secretKey), o), 'place_order');
    const orders = Array.isArray(data.orders) ? data.orders : [];
    // The Python SDK reads `orderId` first, then `order_id` (trade/response/order_id_response.py).
    const orderId = data.orderId !== undefined && data.orderId !== null ? num(data, 'orderId') : num(data, 'order_id', 0);
    return { id: id(data, 'id'), orderId, order: orders[0] ? this.readOrder(orders[0]) : undefined };
  }

  /**
   * Places an OCA group (order_type OCA): one order per request, in order; never retried (look
   * each up by its userMark after a timeout). The reply names the orders in `orders`.
   */
  async placeOcaOrders(reqs: readonly OrderRequest[], o?: CallOptions): Promise<PlacedOrder[]> {
    const data = orderReply(await this.http.call('place_order', ocaOrderBiz(this.account, reqs, this.secretKey), o), 'place_order');
    const orders = Array.isArray(data.orders) ? data.orders.map((x) => this.readOrder(x)) : [];
    if (orders.length !== reqs.length) throw new WireFormatError('orders', `one order per OCA member (${reqs.length})`, orders.length);
    return orders.map((order) => ({ id: order.id, orderId: 0, order }));
  }

  async previewOrder(req: OrderRequest, o?: CallOptions): Promise<OrderPreview> {
    return parseOrderPreview(await this.http.call('preview_order', orderBiz(this.account, req, this.secretKey), o));
  }

  /** Re-sends the order with changes (the protocol wants the full order); only Submitted orders. */
  async modifyOrder(orderId: string, req: OrderRequest, o?: CallOptions): Promise<string> {
    const biz = { ...orderBiz(this.account, req, this.secretKey), id: BigInt(orderId) };
    return id(orderReply(await this.http.call('modify_order', biz, o), 'modify_order'), 'id');
  }

  /** Asynchronous: the final Cancelled status arrives on the push stream or via `order`. */
  async cancelOrder(orderId: string, o?: CallOptions): Promise<string> {
    return id(orderReply(await this.http.call('cancel_order', this.trade({ id: BigInt(orderId) }), o), 'cancel_order'), 'id');
  }

  async order(orderId: string, o?: CallOptions): Promise<Order> {
    return this.readOrder(await this.http.call('orders', this.trade({ id: BigInt(orderId) }), o));
  }

  /** Follows `nextPageToken` until the last page (empty or missing token). */
  private async paged<T>(method: string, biz: Record<string, unknown>, parse: (v: unknown) => T, o?: CallOptions): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages(method, biz, parse, o)) out.push(...page);
    return out;
  }

  /** One page at a time, so a search can stop at its match. */
  private async *pages<T>(method: string, biz: Record<string, unknown>, parse: (v: unknown) => T, o?: CallOptions): AsyncGenerator<T[]> {
    let token: string | undefined;
    do {
      const data = await this.http.call(method, this.trade(token ? { ...biz, page_token: token } : biz), o);
      yield items(data, method).map(parse);
      const next = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).nextPageToken : undefined;
      token = typeof next === 'string' && next !== '' ? next : undefined;
    } while (token);
  }

  private orderBiz(q: OrderQuery): Record<string, unknown> {
    const biz: Record<string, unknown> = { market: 'ALL', sec_type: 'ALL', limit: q.limit ?? 300 };
    if (q.symbol) biz.symbol = q.symbol;
    if (q.startDate !== undefined) biz.start_date = q.startDate;
    if (q.endDate !== undefined) biz.end_date = q.endDate;
    if (q.states) biz.states = q.states;
    return biz;
  }

  private orderList(method: string, q: OrderQuery, o?: CallOptions): Promise<Order[]> {
    return this.paged(method, this.orderBiz(q), this.readOrder, o);
  }

  /**
   * The first order matching `match` in the `orders` query `q` (start_date inclusive, end_date
   * exclusive), newest first, reading page after page (page_token) until found or the last page.
   */
  async findOrder(q: OrderQuery, match: (o: Order) => boolean, o?: CallOptions): Promise<Order | undefined> {
    for await (const page of this.pages('orders', this.orderBiz(q), this.readOrder, o)) {
      const found = page.find(match);
      if (found) return found;
    }
    return undefined;
  }

  orders(q: OrderQuery = {}, o?: CallOptions): Promise<Order[]> { return this.orderList('orders', q, o); }
  activeOrders(q: OrderQuery = {}, o?: CallOptions): Promise<Order[]> { return this.orderList('active_orders', q, o); }
  inactiveOrders(q: OrderQuery = {}, o?: CallOptions): Promise<Order[]> { return this.orderList('inactive_orders', q, o); }
  filledOrders(q: OrderQuery = {}, o?: CallOptions): Promise<Order[]> { return this.orderList('filled_orders', q, o); }

  /** Executions, optionally of one order; the source of truth for reconciliation after a gap. */
  orderTransactions(q: { orderId?: string; symbol?: string; startDate?: number; endDate?: number; limit?: number } = {}, o?: CallOptions): Promise<Fill[]> {
    const biz: Record<string, unknown> = { sec_type: 'STK', limit: q.limit ?? 100 };
    if (q.orderId) biz.order_id = BigInt(q.orderId);
    if (q.symbol) biz.symbol = q.symbol;
    if (q.startDate !== undefined) biz.start_date = q.startDate;
    if (q.endDate !== undefined) biz.end_date = q.endDate;
    return this.paged('order_transactions', biz, parseFill, o);
  }

  // ---- account ----
  async positions(o?: CallOptions): Promise<Position[]> {
    return items(await this.http.call('positions', this.trade({ sec_type: 'ALL', currency: 'ALL', market: 'ALL' }), o), 'positions').map(parsePosition);
  }

  /** `prime_assets` for prime and paper accounts, `assets` for global ones. */
  async assets(o?: CallOptions): Promise<AccountAssets> {
    if (this.accountKind === 'global') {
      const first = items(await this.http.call('assets', this.trade({}), o), 'assets')[0];
      return parseGlobalAssets(first);
    }
    return parsePrimeAssets(await this.http.call('prime_assets', this.trade({ base_currency: 'USD', consolidated: true }), o));
  }
}

/**
 * The `data` of a place/modify/cancel reply. A non-zero inner `data.code` is the broker refusing
 * inside a code-0 envelope: raised as that code's typed error, as the Python SDK's
 * OrderIdResponse does (trade/response/order_id_response.py).
 */
function orderReply(data: unknown, method: string): WireObject {
  const d = asObject(data, `${method} data`);
  if (d.code === undefined || d.code === null) return d;
  const code = typeof d.code === 'bigint' ? Number(d.code) : typeof d.code === 'string' && /^\s*-?\d+\s*$/.test(d.code) ? Number(d.code) : d.code;
  if (typeof code !== 'number' || !Number.isInteger(code)) throw new WireFormatError('code', 'an integer code', d.code);
  if (code !== 0) throw errorForCode(code, typeof d.message === 'string' ? d.message : '', method);
  return d;
}
