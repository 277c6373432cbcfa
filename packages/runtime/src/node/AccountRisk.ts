import type { OrderRequest } from '@pounce/core';

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
   * The reason to refuse `req`, or undefined to send it (and count it against the rate). An order
   * that only reduces its strategy's position passes the exposure and daily-loss checks, never the rate.
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
    this.sent.push(now);
    return undefined;
  }
}
