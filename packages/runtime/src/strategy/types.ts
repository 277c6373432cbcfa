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
   * reply: resolves with `{clientOrderId, orderId}` (accepted), `{rejected}` (refused; an
   * `Inactive` order follows on `orders$`) or `{pending}` (outcome unknown, resolved on `orders$`).
   */
  submit(intent: OrderIntent): Promise<SubmittedOrder>;
  cancel(orderId: string): Promise<void>;
  modify(orderId: string, changes: { quantity?: number; limitPrice?: number; stopPrice?: number }): Promise<void>;
  /** Cancels open orders of `symbol` (all symbols if omitted) and closes the positions with market orders. */
  flatten(symbol?: string): Promise<void>;
  /** Current position quantity (signed), as the runtime's portfolio knows it. */
  position(symbol: string): number;
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
 *   setup(ctx) { ctx.bars$().subscribe(() => { if (ctx.position('NVDA') === 0) void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: ctx.params.size }); }); },
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
