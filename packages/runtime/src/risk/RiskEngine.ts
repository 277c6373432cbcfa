import type { OrderRequest } from '@pounce/core';

export interface RiskLimits {
  maxOrderQuantity?: number;
  maxOrderNotional?: number;
  maxPositionPerSymbol?: number;
  maxGrossExposure?: number;
  /** Loss (positive number) from the day's starting equity that halts new orders. */
  dailyLossLimit?: number;
  allowedSymbols?: readonly string[];
  maxOrdersPerMinute?: number;
}

/** What the risk engine needs to know about the book at the moment of a check. */
export interface RiskView {
  position(symbol: string): number;
  price(symbol: string): number | undefined;
  grossExposure(): number;
  equity(): number;
  /** Wall-clock ms (the order rate cap protects the broker, in real time). */
  now(): number;
  /** Venue session day (e.g. yyyymmdd); the daily loss limit restarts when it changes. */
  day(): number;
}

/**
 * Pre-trade checks between strategy and venue. A refusal is a reason string; the runtime turns
 * it into a rejected order event for the strategy. A tripped daily loss limit or the kill switch
 * halts all new orders for the rest of the run.
 *
 * @example
 * ```ts
 * const risk = new RiskEngine({ maxOrderQuantity: 1000 }, view);
 * risk.check({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 5000 }); // 'order quantity 5000 exceeds max 1000'
 * ```
 */
export class RiskEngine {
  private halted: string | undefined;
  private readonly recent: number[] = [];
  private dayStartEquity: number | undefined;
  private day: number | undefined;

  constructor(readonly limits: RiskLimits, private readonly view: RiskView) {}

  /** How much of each configured limit is in use now (for the dashboard). */
  usage(): Array<{ limit: string; used: number; max: number }> {
    const l = this.limits;
    const out: Array<{ limit: string; used: number; max: number }> = [];
    if (l.maxGrossExposure !== undefined) out.push({ limit: 'gross exposure', used: this.view.grossExposure(), max: l.maxGrossExposure });
    if (l.dailyLossLimit !== undefined) out.push({ limit: 'daily loss', used: Math.max(0, (this.dayStartEquity ?? this.view.equity()) - this.view.equity()), max: l.dailyLossLimit });
    if (l.maxOrdersPerMinute !== undefined) {
      const now = this.view.now();
      out.push({ limit: 'orders per minute', used: this.recent.filter((t) => t > now - 60_000).length, max: l.maxOrdersPerMinute });
    }
    return out;
  }

  get haltReason(): string | undefined {
    return this.halted;
  }

  halt(reason: string): void {
    this.halted ??= reason;
  }

  /** Returns why `req` must not be sent, or undefined to let it through (and count it). */
  check(req: OrderRequest): string | undefined {
    const l = this.limits;
    const pos = this.view.position(req.symbol);
    const after = pos + (req.action === 'BUY' ? req.quantity : -req.quantity);
    // A halt stops new exposure; orders that only reduce a position (flatten) still pass.
    const reduces = pos !== 0 && (req.action === 'SELL') === pos > 0 && req.quantity <= Math.abs(pos);
    if (this.halted && !reduces) return `trading halted: ${this.halted}`;
    if (l.allowedSymbols && !l.allowedSymbols.includes(req.symbol)) return `symbol ${req.symbol} is not in the allow-list (${l.allowedSymbols.join(', ')})`;
    if (l.maxOrderQuantity !== undefined && req.quantity > l.maxOrderQuantity) return `order quantity ${req.quantity} exceeds max ${l.maxOrderQuantity}`;
    const px = req.limitPrice ?? req.auxPrice ?? this.view.price(req.symbol);
    const notional = px === undefined ? undefined : px * req.quantity;
    if (l.maxOrderNotional !== undefined && notional !== undefined && notional > l.maxOrderNotional) return `order notional ${notional.toFixed(2)} exceeds max ${l.maxOrderNotional}`;
    if (l.maxPositionPerSymbol !== undefined && Math.abs(after) > l.maxPositionPerSymbol && Math.abs(after) > Math.abs(pos)) {
      return `position in ${req.symbol} would be ${after}, beyond max ${l.maxPositionPerSymbol}`;
    }
    if (l.maxGrossExposure !== undefined && px !== undefined && Math.abs(after) > Math.abs(pos)) {
      const gross = this.view.grossExposure() + (Math.abs(after) - Math.abs(pos)) * px;
      if (gross > l.maxGrossExposure) return `gross exposure would be ${gross.toFixed(2)}, beyond max ${l.maxGrossExposure}`;
    }
    if (l.dailyLossLimit !== undefined) {
      const eq = this.view.equity();
      const day = this.view.day();
      if (day !== this.day) {
        this.day = day;
        this.dayStartEquity = eq;
      }
      const start = this.dayStartEquity ?? eq;
      if (start - eq >= l.dailyLossLimit) {
        this.halt(`daily loss limit ${l.dailyLossLimit} reached (equity ${eq.toFixed(2)} from ${start.toFixed(2)})`);
        if (!reduces) return `trading halted: ${this.halted}`;
      }
    }
    if (l.maxOrdersPerMinute !== undefined) {
      const now = this.view.now();
      while (this.recent.length > 0 && this.recent[0]! <= now - 60_000) this.recent.shift();
      if (this.recent.length >= l.maxOrdersPerMinute) return `order rate cap ${l.maxOrdersPerMinute}/min reached`;
      this.recent.push(now);
    }
    return undefined;
  }
}
