import type { Observable } from 'rxjs';
import type { AccountAssets, Bar, Fill, Logger, Order, Position, Quote } from '@pounce/core';

/** A typed strategy parameter with its default and bounds. */
export type ParamSpec =
  | { type: 'number' | 'integer'; default: number; min?: number; max?: number; description?: string }
  | { type: 'string'; default: string; choices?: readonly string[]; description?: string }
  | { type: 'boolean'; default: boolean; description?: string };

export type ParamSpecs = Record<string, ParamSpec>;

/** The values a spec describes: numbers for number/integer, and so on. */
export type ParamValues<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends { type: 'number' | 'integer' } ? number : S[K] extends { type: 'boolean' } ? boolean : string;
};

export type OrderKind = 'market' | 'limit' | 'stop' | 'stop-limit' | 'trailing';

/** What a strategy asks for. The runtime turns it into a broker order after risk checks. */
export interface OrderIntent {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  type?: OrderKind;
  limitPrice?: number;
  stopPrice?: number;
  trailAmount?: number;
  trailPercent?: number;
  timeInForce?: 'DAY' | 'GTC';
  /**
   * Take-profit leg attached at the venue (a bracket; the order must be a limit order): a limit
   * order on the other side, for what this order fills.
   */
  takeProfit?: { limitPrice: number; timeInForce?: 'DAY' | 'GTC' };
  /**
   * Stop-loss leg attached at the venue (a bracket; the order must be a limit order): a stop at
   * `stopPrice` (stop-limit with `limitPrice`) or a trailing stop (`trailPercent` or `trailAmount`).
   */
  stopLoss?: { stopPrice?: number; limitPrice?: number; trailPercent?: number; trailAmount?: number; timeInForce?: 'DAY' | 'GTC' };
}

/**
 * What `submit` resolves with: exactly one of accepted (`orderId` set), `rejected` or `pending`.
 * The order's later fate arrives on `orders$` / `fills$`.
 */
export interface SubmittedOrder {
  /** The runtime's id, sent to the venue as userMark; stable across restarts. */
  clientOrderId: string;
  /** The venue's id once accepted; undefined when rejected or pending. */
  orderId: string | undefined;
  /**
   * Set when the order does not exist: refused by the risk checks (`risk: ...`), by the venue's
   * rules (`venue: <the venue's words> (code N)`, the same in a backtest and on the gateway), or
   * looked up after a lost reply and not found. An `Inactive` order with this reason in `remark`
   * and the client id in `userMark` is published on `orders$`.
   */
  rejected?: string;
  /**
   * Set when the outcome is unknown (no reply, a broken connection, an unexpected error): the
   * order may exist. It is looked up by client id, never re-sent, and resolves later on `orders$`.
   */
  pending?: string;
}

/** What `modify` may change on a working order. */
export interface OrderChanges {
  quantity?: number;
  limitPrice?: number;
  stopPrice?: number;
}

/**
 * What `submit` resolves with: the outcome fields of `SubmittedOrder` plus the order's own streams
 * and commands, so a strategy follows its order without keeping flags or ids. The outcome fields
 * are its only enumerable ones (a spread or JSON of a handle is the `SubmittedOrder`).
 *
 * @example
 * ```ts
 * const h = await ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 100, type: 'limit', limitPrice: 120 });
 * h.fills$.subscribe((f) => ctx.log.info('filled', { qty: f.quantity, price: f.price }));
 * h.status$.subscribe({ complete: () => ctx.log.info('order done') });
 * setTimeout(() => void h.cancel(), 60_000);
 * ```
 */
export interface OrderHandle extends SubmittedOrder {
  /**
   * The order's updates: the latest one replayed on subscribe, then each new one; completes when
   * the order is final (Filled, Cancelled, Inactive, Invalid). A refused order gives its Inactive
   * update and completes.
   */
  readonly status$: Observable<Order>;
  /** The order's fills (each once; all of them replayed on subscribe); completes once the final order's filled quantity has arrived. */
  readonly fills$: Observable<Fill>;
  /** Cancels the order; rejects when it was never accepted or the venue refuses. */
  cancel(): Promise<void>;
  /** Changes a working order; rejects when it was never accepted or the venue refuses. */
  modify(changes: OrderChanges): Promise<void>;
}

/** A position as a strategy sees it (`ctx.position(symbol)`). */
export interface PositionView {
  readonly symbol: string;
  /** Signed quantity: negative when short. */
  readonly quantity: number;
  /** Average price of the open quantity (0 when flat). */
  readonly averagePrice: number;
  /** (last price - average price) * quantity at the runtime's last mark; fees not included. */
  readonly unrealizedPnl: number;
  /** P&L of the quantity closed in this run, against the average price; fees not included. */
  readonly realizedPnl: number;
}

/** JSON state kept in the run folder and restored on --resume. */
export interface PersistedState {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

/**
 * Everything a strategy sees. Venue-agnostic: the same object in backtest, paper and live.
 * A strategy cannot reach the venue, config or account except through it.
 */
export interface StrategyContext<P = Record<string, unknown>> {
  readonly params: Readonly<P>;
  readonly symbols: readonly string[];
  readonly quotes$: Observable<Quote>;
  /**
   * Bars of the run's symbols in the strategy's timeframe (`StrategyDefinition.timeframe`), each
   * emitted when its session period has closed; the first `warmUp` of them while `warmingUp`.
   * Without a declared timeframe, the venue's own bars. `bars$('venue')`: the venue's own bars.
   */
  bars$(timeframe?: string): Observable<Bar>;
  /** The last `n` completed bars of `symbol` in the strategy's timeframe, oldest first: never a future one. */
  history(symbol: string, n: number): Bar[];
  /** True while warm-up bars are fed: `submit` resolves `{rejected: 'warm-up'}` and sends nothing. */
  readonly warmingUp: boolean;
  /** Each fill exactly once, across reconnects and restarts. */
  readonly fills$: Observable<Fill>;
  readonly orders$: Observable<Order>;
  readonly positions$: Observable<Position>;
  readonly account$: Observable<AccountAssets>;
  /**
   * Sends an order through the risk checks to the venue. Never rejects for a refusal or a lost
   * reply: resolves with a handle whose `{clientOrderId, orderId}` say accepted, `{rejected}`
   * refused (an `Inactive` order follows on `orders$` and the handle's `status$`) or `{pending}`
   * outcome unknown (resolved on `orders$`). The handle carries the order's own `status$`,
   * `fills$`, `cancel()` and `modify()`.
   */
  submit(intent: OrderIntent): Promise<OrderHandle>;
  /**
   * Sends orders of one symbol as an OCA group in one venue call (the SDKs' OCA order): when one
   * fills, each other shrinks by the filled quantity and is cancelled once nothing is left. The
   * group passes the risk checks whole or not at all. Resolves with one handle per order, in order.
   */
  submitOca(intents: readonly OrderIntent[]): Promise<OrderHandle[]>;
  cancel(orderId: string): Promise<void>;
  modify(orderId: string, changes: OrderChanges): Promise<void>;
  /** Cancels open orders of `symbol` (all symbols if omitted) and closes the positions with market orders. */
  flatten(symbol?: string): Promise<void>;
  /**
   * The position as the runtime's portfolio knows it: signed `quantity`, `averagePrice`,
   * `unrealizedPnl` (at the last mark) and `realizedPnl` (this run's closed quantity).
   */
  position(symbol: string): PositionView;
  /**
   * How many orders of `symbol` (all symbols if omitted) may still trade: open at the venue, sent
   * and not yet answered, or with an unknown outcome. Lets a strategy keep one order at a time
   * without flags of its own.
   */
  workingOrders(symbol?: string): number;
  readonly cash: number;
  /** Venue time: replay time in backtest and on the local gateway, wall time live. */
  now(): number;
  readonly log: Logger;
  readonly state: PersistedState;
}

/** The warm-up as a function of the params (method syntax: a typed strategy still fits `StrategyDefinition`). */
type WarmUpOf<S extends ParamSpecs> = { warmUp(params: ParamValues<S>): number }['warmUp'];

/**
 * A strategy plugin: the default export of `strategies/<name>/index.ts`.
 *
 * @example
 * ```ts
 * export default defineStrategy({
 *   name: 'buy-once', params: { size: { type: 'integer', default: 10, min: 1 } }, symbols: ['NVDA'],
 *   setup(ctx) { ctx.bars$().subscribe(() => { if (ctx.position('NVDA').quantity === 0) void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: ctx.params.size }); }); },
 * });
 * ```
 */
export interface StrategyDefinition<S extends ParamSpecs = ParamSpecs> {
  name: string;
  description?: string;
  params: S;
  /** Symbols traded unless the run overrides them with --symbols. */
  symbols: readonly string[];
  /**
   * The bar period the strategy decides on: `1m`, `5m`, `15m`, `30m`, `1h`, ... or `1d` (one bar
   * per trading session, emitted at the session's close, early closes included). Bars are built
   * on the exchange calendar in every venue. Omitted: the venue's own bars, as they come.
   */
  timeframe?: string;
  /** Build bars from pre- and post-market trading too (default: regular hours only). */
  extendedHours?: boolean;
  /**
   * Bars fed before the strategy may trade (from the venue's kline history on paper and live, from
   * the data's first bars in a backtest): indicators are primed, no order can be sent. A number or
   * a function of the params (e.g. the slow average's length).
   */
  warmUp?: number | WarmUpOf<S>;
  /** Price adjustment of every bar, warm-up, live and backtest alike: `br` (split/dividend adjusted, default) or `nr`. */
  adjustment?: 'br' | 'nr';
  setup(ctx: StrategyContext<ParamValues<S>>): void | (() => void) | Promise<void | (() => void)>;
}

/** Identity helper that gives the plugin author full type inference. */
export function defineStrategy<S extends ParamSpecs>(def: StrategyDefinition<S>): StrategyDefinition<S> {
  return def;
}
