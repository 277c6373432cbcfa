import { MatchingEngine, OrderStateError, OrderValidationError } from '../MatchingEngine.ts';
import type { NewOrder } from '../types.ts';
import { refusalReasons as say } from './refusalReasons.ts';
import { onTick, tickSizeAt, US_STOCK_TICKS, type TickBand } from './tickSize.ts';

/** Paper (simulated) accounts have stricter rules than live ones (GTC). */
export type AccountKind = 'paper' | 'live';

/** Which kind of attached legs an order carries (the wire's `attach_type`). */
export type AttachType = 'PROFIT' | 'LOSS' | 'BRACKETS';

/** An order as the venue rules see it: the engine's order plus the wire fields only the rules read. */
export interface RuleOrder extends NewOrder {
  /** Security type; default STK. */
  secType?: string;
  /** Trade outside regular trading hours. */
  outsideRth?: boolean;
  /** Set when the order carries attached legs; it is then their parent. */
  attachType?: AttachType;
}

/** What the rules need to know about the venue and the order's account. */
export interface RuleContext {
  accountKind: AccountKind;
  /** Whether the venue trades this symbol. */
  knownSymbol(symbol: string): boolean;
  /** The account's signed position in the symbol now. */
  position(symbol: string): number;
  /** Unfilled quantity of the account's working orders on one side of the symbol (default none). */
  working?(symbol: string, action: 'BUY' | 'SELL'): number;
  /** The symbol's tick-size table; default US stocks. */
  tickBands?(symbol: string): readonly TickBand[];
}

export type RuleName =
  | 'valid-order' | 'sec-type' | 'unknown-symbol' | 'market-gtc' | 'paper-gtc' | 'outside-rth' | 'attached-parent' | 'tick-size' | 'long-short' | 'order-state';

/**
 * Why a venue refused an order. `param`: a malformed field (the service answers code 1010);
 * `trade`: a trading rule (1300 on a paper account, 1200 on a live one).
 */
export interface OrderRefusal {
  readonly rule: RuleName;
  readonly kind: 'param' | 'trade';
  readonly message: string;
}

type Rule = (o: RuleOrder, ctx: RuleContext) => OrderRefusal | undefined;
const trade = (rule: RuleName, message: string): OrderRefusal => ({ rule, kind: 'trade', message });

/** Quantity, side, prices per order type, time in force: what the engine itself requires. */
export const validOrder: Rule = (o) => {
  try {
    MatchingEngine.validate(o);
    return undefined;
  } catch (e) {
    if (e instanceof OrderValidationError) return { rule: 'valid-order', kind: 'param', message: e.message };
    throw e;
  }
};

/** Stocks only. */
export const stocksOnly: Rule = (o) => {
  const secType = o.secType ?? 'STK';
  return secType === 'STK' ? undefined : trade('sec-type', say.secType(secType));
};

/** A symbol the venue has no market for. */
export const knownSymbol: Rule = (o, ctx) => (ctx.knownSymbol(o.symbol) ? undefined : trade('unknown-symbol', say.unknownSymbol(o.symbol)));

/** GTC is refused for market orders (every account). */
export const noMarketGtc: Rule = (o) => (o.orderType === 'MKT' && o.timeInForce === 'GTC' ? trade('market-gtc', say.marketGtc()) : undefined);

/** GTC is refused for every order on a paper account, attached legs included. */
export const noPaperGtc: Rule = (o, ctx) =>
  ctx.accountKind === 'paper' && (o.timeInForce === 'GTC' || o.legs?.profit?.timeInForce === 'GTC' || o.legs?.loss?.timeInForce === 'GTC') ? trade('paper-gtc', say.paperGtc()) : undefined;

/** Market and stop orders trade in regular hours only. */
export const noMarketOutsideRth: Rule = (o) =>
  o.outsideRth === true && (o.orderType === 'MKT' || o.orderType === 'STP') ? trade('outside-rth', say.outsideRth(o.orderType)) : undefined;

/** An order with attached legs must itself be a limit order. */
export const limitParent: Rule = (o) => (o.attachType !== undefined && o.orderType !== 'LMT' ? trade('attached-parent', say.attachedParent(o.orderType)) : undefined);

/** Limit and stop prices on the contract's tick grid (a trailing amount is not a price). */
export const onTickSize: Rule = (o, ctx) => {
  const bands = ctx.tickBands?.(o.symbol) ?? US_STOCK_TICKS;
  const prices: Array<[string, number | undefined]> = [['limit_price', o.limitPrice]];
  if (o.orderType === 'STP' || o.orderType === 'STP_LMT') prices.push(['aux_price', o.auxPrice]);
  for (const [field, price] of prices) {
    if (price === undefined) continue;
    const tick = tickSizeAt(price, bands);
    if (!onTick(price, tick)) return trade('tick-size', say.tickSize(field, price, tick));
  }
  return undefined;
};

/**
 * No long and short position of one symbol at once: an order may close a position but not cross
 * through zero into the other side. Checked against the position when the order is placed, less
 * what working orders on the same side already close (two sells of a 100-share long, 100 each,
 * would end short).
 */
export const noLongAndShort: Rule = (o, ctx) => {
  const held = ctx.position(o.symbol);
  const closing = ctx.working?.(o.symbol, o.action) ?? 0;
  const crosses = o.action === 'SELL' ? held > 0 && o.quantity + closing > held : held < 0 && o.quantity + closing > -held;
  return crosses ? trade('long-short', say.longShort(o.symbol, o.action, o.quantity, held, closing)) : undefined;
};

/** Every rule a new order passes, in the order they are checked (the first refusal wins). */
export const ORDER_RULES: readonly Rule[] = [validOrder, stocksOnly, knownSymbol, noMarketGtc, noPaperGtc, noMarketOutsideRth, limitParent, onTickSize, noLongAndShort];

/**
 * Why the venue refuses this new order, or undefined. Pure: the same order and context always
 * give the same answer, so the backtest and the gateway refuse exactly the same orders.
 *
 * @example
 * ```ts
 * const ctx = { accountKind: 'paper' as const, knownSymbol: (s: string) => s === 'NVDA', position: () => 0 };
 * orderRefusal({ account: 'A', symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 1, timeInForce: 'GTC' }, ctx);
 * // { rule: 'market-gtc', kind: 'trade', message: 'GTC is not supported for MKT orders' }
 * ```
 */
export function orderRefusal(order: RuleOrder, ctx: RuleContext): OrderRefusal | undefined {
  for (const rule of ORDER_RULES) {
    const r = rule(order, ctx);
    if (r) return r;
  }
  return undefined;
}

/** Why the venue refuses to change a working order to `next` (its fields after the change), or undefined. */
export function modifyRefusal(next: RuleOrder, ctx: RuleContext): OrderRefusal | undefined {
  return validOrder(next, ctx) ?? onTickSize(next, ctx);
}

/** The refusal an engine error stands for (a bad field, or a cancel/modify the order's state forbids). */
export function engineErrorRefusal(e: unknown): OrderRefusal | undefined {
  if (e instanceof OrderValidationError) return { rule: 'valid-order', kind: 'param', message: e.message };
  if (e instanceof OrderStateError) return trade('order-state', e.message);
  return undefined;
}

/** The service's error code for a refusal: 1010 for a bad field, else the account family's trade code. */
export function refusalCode(r: OrderRefusal, accountKind: AccountKind): number {
  if (r.kind === 'param') return 1010;
  return accountKind === 'paper' ? 1300 : 1200;
}
