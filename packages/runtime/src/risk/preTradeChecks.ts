import type { OrderAction, OrderRequest } from '@pounce/core';
import type { RiskLimits } from './RiskLimits.ts';

/** The unfilled rest of an order that may still trade: open at the venue, in flight, or outcome unknown. */
export interface WorkingOrder {
  symbol: string;
  action: OrderAction;
  /** Quantity not filled yet. */
  remaining: number;
  /** Limit price, else stop price; undefined for market and trailing orders. */
  price: number | undefined;
  /** The runtime asked the venue to cancel it (it still counts for limits until the venue confirms). */
  cancelRequested: boolean;
}

/** The book as the checks see it at one moment; the checks only read it. */
export interface RiskSnapshot {
  position(symbol: string): number;
  /** Last known price (bar close, quote, fill, position push). */
  price(symbol: string): number | undefined;
  grossExposure: number;
  /** The working orders: all, or only the order's symbol's when no open-order or gross limit is set (no other check reads the rest). */
  working: readonly WorkingOrder[];
  /** Text of the halt in force, if any. */
  halt: string | undefined;
}

/**
 * True when `req` only shrinks the existing position of its symbol and cannot flip it, even if
 * every working order on the same side (except those being cancelled) fills too.
 */
export function isReduceOnly(req: OrderRequest, position: number, working: readonly WorkingOrder[]): boolean {
  if (position === 0 || (req.action === 'SELL') !== position > 0) return false;
  let sameSide = 0;
  for (const w of working) if (w.symbol === req.symbol && w.action === req.action && !w.cancelRequested) sameSide += w.remaining;
  return req.quantity + sameSide <= Math.abs(position);
}

/** The prices an order names: limit and stop (a trailing order's auxPrice is an amount, not a price). */
function namedPrices(req: OrderRequest): number[] {
  const out: number[] = [];
  if (req.limitPrice !== undefined) out.push(req.limitPrice);
  if (req.auxPrice !== undefined && (req.orderType === 'STP' || req.orderType === 'STP_LMT')) out.push(req.auxPrice);
  return out;
}

/** Worst-case gross exposure if every working order (and `extra`) filled: the current gross plus each symbol's worst growth. */
function grossIfFilled(s: RiskSnapshot, extra: WorkingOrder | undefined): number {
  const sides = new Map<string, { buy: number; sell: number }>();
  for (const w of extra ? [...s.working, extra] : s.working) {
    let side = sides.get(w.symbol);
    if (!side) sides.set(w.symbol, (side = { buy: 0, sell: 0 }));
    const px = w.price ?? s.price(w.symbol) ?? 0;
    if (w.action === 'BUY') side.buy += w.remaining * px;
    else side.sell += w.remaining * px;
  }
  let gross = s.grossExposure;
  for (const [symbol, side] of sides) {
    const held = s.position(symbol) * (s.price(symbol) ?? 0);
    gross += Math.max(Math.abs(held + side.buy), Math.abs(held - side.sell)) - Math.abs(held);
  }
  return gross;
}

/**
 * The pure pre-trade checks: a reason to refuse `req`, or undefined. Stateful limits (order
 * rate, daily loss) are decided by `RiskEngine` from its counters; this function reads only its
 * arguments.
 *
 * @example
 * ```ts
 * const snap = { position: () => 100, price: () => 10, grossExposure: 1000, working: [], halt: undefined };
 * checkOrder({ maxPositionPerSymbol: 100 }, { symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 1 }, snap);
 * // 'position in NVDA could reach 101 (100 held, 0 in working buys, 1 in this order), beyond max 100'
 * ```
 */
export function checkOrder(l: RiskLimits, req: OrderRequest, s: RiskSnapshot): string | undefined {
  const pos = s.position(req.symbol);
  // Only an order against the position can be reduce-only: the working orders are not read otherwise.
  const reduceOnly = pos !== 0 && (req.action === 'SELL') === pos > 0 && isReduceOnly(req, pos, s.working);
  if (s.halt !== undefined && !reduceOnly) return `trading halted: ${s.halt}`;
  if (l.allowedSymbols && !l.allowedSymbols.includes(req.symbol)) return `symbol ${req.symbol} is not in the allow-list (${l.allowedSymbols.join(', ')})`;
  if (l.maxOrderQuantity !== undefined && req.quantity > l.maxOrderQuantity) return `order quantity ${req.quantity} exceeds max ${l.maxOrderQuantity}`;
  const last = s.price(req.symbol);
  const named = namedPrices(req);
  const px = named[0] ?? last;
  const notional = px === undefined ? undefined : px * req.quantity;
  if (l.maxOrderNotional !== undefined && notional !== undefined && notional > l.maxOrderNotional) return `order notional ${notional.toFixed(2)} exceeds max ${l.maxOrderNotional}`;
  if (l.priceBandPercent !== undefined && last !== undefined && last > 0) {
    for (const p of named) {
      const away = (Math.abs(p - last) / last) * 100;
      if (away > l.priceBandPercent) return `price ${p} is ${away.toFixed(2)}% from the last price ${last}, beyond the ${l.priceBandPercent}% band`;
    }
  }
  if (l.maxOpenOrders !== undefined) {
    const open = s.working.filter((w) => !w.cancelRequested).length;
    if (open + 1 > l.maxOpenOrders) return `open orders would be ${open + 1}, beyond max ${l.maxOpenOrders}`;
  }
  if (reduceOnly) return undefined;
  if (l.maxPositionPerSymbol !== undefined) {
    let working = 0;
    for (const w of s.working) if (w.symbol === req.symbol && w.action === req.action) working += w.remaining;
    const reach = req.action === 'BUY' ? pos + working + req.quantity : pos - working - req.quantity;
    if (Math.abs(reach) > l.maxPositionPerSymbol) {
      const side = req.action === 'BUY' ? 'buys' : 'sells';
      return `position in ${req.symbol} could reach ${reach} (${pos} held, ${working} in working ${side}, ${req.quantity} in this order), beyond max ${l.maxPositionPerSymbol}`;
    }
  }
  if (l.maxGrossExposure !== undefined && px !== undefined) {
    const before = grossIfFilled(s, undefined);
    const after = grossIfFilled(s, { symbol: req.symbol, action: req.action, remaining: req.quantity, price: px, cancelRequested: false });
    if (after > l.maxGrossExposure && after > before) return `gross exposure could reach ${after.toFixed(2)} with working orders, beyond max ${l.maxGrossExposure}`;
  }
  return undefined;
}

/** Text of a daily-loss breach, or undefined while the loss from `dayStart` is under the limit. */
export function dailyLossBreach(l: RiskLimits, dayStart: number, equity: number): string | undefined {
  if (l.dailyLossLimit === undefined || dayStart - equity < l.dailyLossLimit) return undefined;
  return `daily loss limit ${l.dailyLossLimit} reached (equity ${equity.toFixed(2)} from ${dayStart.toFixed(2)} at the day's start)`;
}

/** Text of an order-rate refusal, or undefined while `inLastMinute` orders leave room for one more. */
export function orderRateBreach(l: RiskLimits, inLastMinute: number): string | undefined {
  if (l.maxOrdersPerMinute === undefined || inLastMinute < l.maxOrdersPerMinute) return undefined;
  return `order rate cap ${l.maxOrdersPerMinute}/min reached`;
}
