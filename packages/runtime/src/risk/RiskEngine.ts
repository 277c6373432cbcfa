import type { OrderRequest } from '@pounce/core';
import type { Halt, HaltCause } from './Halt.ts';
import { checkOrder, dailyLossBreach, orderRateBreach, type WorkingOrder } from './preTradeChecks.ts';
import type { RiskLimits } from './RiskLimits.ts';

export type { RiskLimits } from './RiskLimits.ts';
export type { Halt, HaltCause } from './Halt.ts';
export { checkOrder, dailyLossBreach, isReduceOnly, orderRateBreach, type RiskSnapshot, type WorkingOrder } from './preTradeChecks.ts';

/** What the risk engine reads about the run at the moment of a check or a mark. */
export interface RiskView {
  position(symbol: string): number;
  price(symbol: string): number | undefined;
  grossExposure(): number;
  equity(): number;
  /** Venue clock, ms (replay time on a replaying gateway, wall time live): the order rate counts in it. */
  now(): number;
  /** Venue session day (any number that changes when the exchange's day changes). */
  day(): number;
  /** Orders that may still trade: open, in flight, or with an unknown outcome. */
  /** Every working order, or those of `symbol`. */
  workingOrders(symbol?: string): readonly WorkingOrder[];
}

/**
 * The risk state of a run between strategy and venue: the order-rate counter, the day's starting
 * equity and the halt. The decisions themselves are the pure functions of `preTradeChecks.ts`. A
 * refusal is a reason string; the runtime turns it into a rejected order event for the strategy.
 *
 * @example
 * ```ts
 * const risk = new RiskEngine({ maxOrderQuantity: 1000 }, view);
 * risk.check({ symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 5000 }); // 'order quantity 5000 exceeds max 1000'
 * ```
 */
export class RiskEngine {
  private halted: Halt | undefined;
  private pausedText: string | undefined;
  private readonly recent: number[] = [];
  private day: number | undefined;
  private dayStartEquity: number | undefined;
  private lastMarkEquity: number | undefined;

  /**
   * `onNewDay` hears each new session day's starting equity (the runtime journals it, so that a
   * resumed run keeps the day's losses instead of starting the day again).
   */
  constructor(readonly limits: RiskLimits, private readonly view: RiskView, private readonly onNewDay?: (day: number, startEquity: number) => void) {}

  /** Restores the day a resumed run was in, with its starting equity (from the journal). */
  restoreDay(day: number, startEquity: number): void {
    this.day = day;
    this.dayStartEquity = startEquity;
  }

  /** How much of each configured limit is in use now (for the dashboard). */
  usage(): Array<{ limit: string; used: number; max: number }> {
    const l = this.limits;
    const out: Array<{ limit: string; used: number; max: number }> = [];
    if (l.maxGrossExposure !== undefined) out.push({ limit: 'gross exposure', used: this.view.grossExposure(), max: l.maxGrossExposure });
    if (l.dailyLossLimit !== undefined) out.push({ limit: 'daily loss', used: Math.max(0, (this.dayStartEquity ?? this.view.equity()) - this.view.equity()), max: l.dailyLossLimit });
    if (l.maxOrdersPerMinute !== undefined) out.push({ limit: 'orders per minute', used: this.ordersInLastMinute(this.view.now()), max: l.maxOrdersPerMinute });
    if (l.maxOpenOrders !== undefined) out.push({ limit: 'open orders', used: this.view.workingOrders().length, max: l.maxOpenOrders });
    return out;
  }

  /** The halt in force (cause and text), if any. */
  get currentHalt(): Halt | undefined {
    return this.halted;
  }

  /** Text of the halt in force (status line, dashboard). */
  get haltReason(): string | undefined {
    return this.halted?.text;
  }

  /** Halts new exposure for the rest of the run; the first halt is kept. */
  halt(cause: HaltCause, text: string): void {
    this.halted ??= { cause, text };
  }

  /**
   * Pauses new exposure until `unpause` (an operator's pause: `pounce ctl pause`, the dashboard).
   * Unlike a halt it is undone; while it holds, the same orders pass as under a halt (reduce-only).
   */
  pause(text: string): void {
    this.pausedText = text;
  }

  unpause(): void {
    this.pausedText = undefined;
  }

  /** Why new exposure is paused, if it is. */
  get paused(): string | undefined {
    return this.pausedText;
  }

  /**
   * Called on every mark (bar, quote, fill): the day starts at the equity of the last mark before
   * the venue's session day changed, and a loss of `dailyLossLimit` from it halts at once.
   */
  onMark(): void {
    if (this.limits.dailyLossLimit === undefined) return;
    const equity = this.view.equity();
    const day = this.view.day();
    if (day !== this.day) {
      // The first mark of a run has no previous close: the day starts where the run does.
      this.dayStartEquity = this.day === undefined ? equity : (this.lastMarkEquity ?? equity);
      this.day = day;
      this.onNewDay?.(day, this.dayStartEquity);
    }
    this.lastMarkEquity = equity;
    const breach = dailyLossBreach(this.limits, this.dayStartEquity!, equity);
    if (breach) this.halt('daily-loss', breach);
  }

  /** Returns why `req` must not be sent, or undefined to let it through (and count it). */
  check(req: OrderRequest): string | undefined {
    this.onMark();
    const v = this.view;
    // Gross exposure and the working orders are scans over every position and open order: read
    // only when a check needs them (a run without those limits never does), and at most once.
    let gross: number | undefined;
    let working: readonly WorkingOrder[] | undefined;
    // Only the open-order and gross-exposure limits count other symbols' orders; the rest read this
    // symbol's, so without those two the list holds only them (all of them per order was O(open orders)).
    const everySymbol = this.limits.maxOpenOrders !== undefined || this.limits.maxGrossExposure !== undefined;
    const refusal = checkOrder(this.limits, req, {
      position: (s) => v.position(s), price: (s) => v.price(s), halt: this.halted?.text ?? this.pausedText,
      get grossExposure() {
        return (gross ??= v.grossExposure());
      },
      get working() {
        return (working ??= everySymbol ? v.workingOrders() : v.workingOrders(req.symbol));
      },
    });
    if (refusal) return refusal;
    if (this.limits.maxOrdersPerMinute !== undefined) {
      const now = v.now();
      const rate = orderRateBreach(this.limits, this.ordersInLastMinute(now));
      if (rate) return rate;
      this.recent.push(now);
    }
    return undefined;
  }

  private ordersInLastMinute(now: number): number {
    while (this.recent.length > 0 && this.recent[0]! <= now - 60_000) this.recent.shift();
    return this.recent.length;
  }
}
