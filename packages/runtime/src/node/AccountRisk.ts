import { marketOf } from '@pounce/calendar';
import { isTerminal, type Order, type OrderAction, type OrderRequest } from '@pounce/core';
import { PatternDayTrades, PDT_DAY_TRADES, PDT_MIN_EQUITY } from './PatternDayTrades.ts';

/**
 * Limits over the whole account, shared by every strategy of a node (each strategy keeps its own
 * `RiskLimits` too). Every field is optional; an absent one is not checked.
 */
export interface AccountLimits {
  /** Gross exposure of all strategies' positions plus the new order's notional (orders that reduce a strategy's position pass). */
  maxGrossExposure?: number;
  /** Loss (positive number) of account equity from the day's first figure that halts new exposure on every strategy. */
  dailyLossLimit?: number;
  /** Orders sent per minute of venue time by all strategies together (the broker's rate tier is per account). */
  maxOrdersPerMinute?: number;
  /**
   * The US pattern-day-trader rule for a margin account under $25,000 (FINRA 4210): `enforce`
   * (default) refuses an order that would complete a 4th day trade in 5 business days; `off` for a
   * cash account, to which the rule does not apply. See docs/node.md.
   */
  patternDayTrader?: 'enforce' | 'off';
}

/** What the account risk check reads: the node's strategies and the venue's account figures. */
export interface AccountRiskInputs {
  grossExposure(): number;
  /** Account equity (the venue's net liquidation), undefined before the first figure. */
  equity(): number | undefined;
  price(symbol: string): number | undefined;
  now(): number;
  /** Session day of `now()` (a new day restarts the daily loss). */
  day(): number;
}

const MINUTE_MS = 60_000;

/**
 * The account-wide pre-trade check of a node. Called by each strategy's venue view before it sends
 * an order to the shared venue; a refusal never reaches the broker.
 *
 * @example
 * ```ts
 * const risk = new AccountRisk({ maxOrdersPerMinute: 60 }, inputs);
 * const refusal = risk.check(req, false); // undefined: send it
 * ```
 */
export class AccountRisk {
  private readonly sent: number[] = [];
  private day: number | undefined;
  private dayStartEquity: number | undefined;
  private haltText: string | undefined;
  /** Every order the node sent, for the pattern-day-trader count (kept even at $25,000 and over: equity can fall). */
  readonly dayTrades = new PatternDayTrades();

  constructor(readonly limits: AccountLimits, private readonly inputs: AccountRiskInputs) {}

  /** Why the account halts new exposure (daily loss), if it does. */
  get halted(): string | undefined {
    this.onMark();
    return this.haltText;
  }

  /** Re-checks the daily loss against the latest equity (a new session day starts over). */
  onMark(): void {
    const eq = this.inputs.equity();
    if (eq === undefined) return;
    const day = this.inputs.day();
    if (day !== this.day) {
      this.day = day;
      this.dayStartEquity = eq;
      this.haltText = undefined;
    }
    const limit = this.limits.dailyLossLimit;
    if (limit !== undefined && this.haltText === undefined && this.dayStartEquity! - eq >= limit) {
      this.haltText = `account daily loss ${(this.dayStartEquity! - eq).toFixed(2)} reached the limit ${limit}`;
    }
  }

  /** How much of each configured account limit is in use now (for the node's dashboard and status). */
  usage(): Array<{ limit: string; used: number; max: number }> {
    const l = this.limits;
    const out: Array<{ limit: string; used: number; max: number }> = [];
    if (l.maxGrossExposure !== undefined) out.push({ limit: 'gross exposure', used: this.inputs.grossExposure(), max: l.maxGrossExposure });
    if (l.dailyLossLimit !== undefined) {
      this.onMark();
      const eq = this.inputs.equity();
      out.push({ limit: 'daily loss', used: eq === undefined || this.dayStartEquity === undefined ? 0 : Math.max(0, this.dayStartEquity - eq), max: l.dailyLossLimit });
    }
    if (l.maxOrdersPerMinute !== undefined) {
      const now = this.inputs.now();
      out.push({ limit: 'orders per minute', used: this.sent.filter((t) => t > now - MINUTE_MS).length, max: l.maxOrdersPerMinute });
    }
    return out;
  }

  /**
   * The reason to refuse `req`, or undefined to send it (and count it against the rate and the
   * day trades). An order that only reduces its strategy's position passes the exposure and
   * daily-loss checks, never the rate nor the pattern-day-trader count (closing completes a day trade).
   */
  check(req: OrderRequest, reducesOnly: boolean): string | undefined {
    const now = this.inputs.now();
    const rate = this.limits.maxOrdersPerMinute;
    while (this.sent.length > 0 && this.sent[0]! <= now - MINUTE_MS) this.sent.shift();
    if (rate !== undefined && this.sent.length >= rate) return `account order rate: ${this.sent.length} orders in the last minute, limit ${rate}`;
    if (!reducesOnly) {
      const halt = this.halted;
      if (halt) return `account halted: ${halt}`;
      const gross = this.limits.maxGrossExposure;
      if (gross !== undefined) {
        const price = req.limitPrice ?? req.auxPrice ?? this.inputs.price(req.symbol);
        if (price === undefined) return `account gross exposure: no price known for ${req.symbol}`;
        const after = this.inputs.grossExposure() + req.quantity * price;
        if (after > gross) return `account gross exposure ${after.toFixed(2)} would exceed ${gross}`;
      }
    }
    const pdt = this.patternDayTrader(req, now);
    if (pdt) return pdt;
    this.sent.push(now);
    if (marketOf(req.symbol) === 'US') this.dayTrades.record(req.userMark ?? `t${now}.${this.sent.length}`, req.symbol, req.action, now);
    return undefined;
  }

  /** The order `userMark` ended with nothing filled, or never reached the venue: no day trade of its. */
  orderEndedUnfilled(userMark: string): void {
    this.dayTrades.drop(userMark);
  }

  /** The order `userMark` filled (part or whole): it stays in the day-trade count. */
  orderFilled(userMark: string): void {
    this.dayTrades.settle(userMark);
  }

  /**
   * Any order of the account as the venue reports it (every strategy's, attached take-profit and
   * stop-loss legs, orders of an earlier process or placed outside Pounce): a filled US order is
   * counted, once, even when no check saw it sent; one that ended with nothing filled is dropped.
   */
  orderSeen(o: Order): void {
    if (marketOf(o.symbol) !== 'US') return;
    const key = dayTradeKey(o.userMark, o.id);
    if (o.filledQuantity > 0) {
      this.dayTrades.record(key, o.symbol, o.action, o.updateTime || this.inputs.now());
      this.dayTrades.settle(key);
    } else if (isTerminal(o.status)) {
      this.dayTrades.drop(key);
    }
  }

  /**
   * An order journaled by an earlier process (a resume rebuilds the count from the journals):
   * `filled` when a fill of it was journaled, else it was still working. Give them in venue-time order.
   */
  learnJournaled(key: string, symbol: string, side: OrderAction, venueTime: number, filled: boolean): void {
    if (marketOf(symbol) !== 'US') return;
    this.dayTrades.record(key, symbol, side, venueTime);
    if (filled) this.dayTrades.settle(key);
  }

  private patternDayTrader(req: OrderRequest, now: number): string | undefined {
    if ((this.limits.patternDayTrader ?? 'enforce') === 'off' || marketOf(req.symbol) !== 'US') return undefined;
    const equity = this.inputs.equity();
    // Unknown equity is treated as under the threshold: the rule's cost (a 90-day restriction) is the larger risk.
    if (equity !== undefined && equity >= PDT_MIN_EQUITY) return undefined;
    if (!this.dayTrades.completesDayTrade(req.symbol, req.action, now)) return undefined;
    const { dayTrades, from, to } = this.dayTrades.count(now);
    if (dayTrades + 1 < PDT_DAY_TRADES) return undefined;
    const eq = equity === undefined ? 'unknown' : equity.toFixed(2);
    return `pattern day trader: ${req.action} ${req.symbol} would be day trade ${dayTrades + 1} in the 5 business days ${from} to ${to} (account equity ${eq}, under ${PDT_MIN_EQUITY}; account.patternDayTrader "off" for a cash account)`;
  }
}

/** The key an order is counted under: its client order id, or its venue id when it has none (a bracket leg). */
export function dayTradeKey(userMark: string | undefined, orderId: string | undefined): string {
  return userMark ? userMark : `order:${orderId ?? ''}`;
}
