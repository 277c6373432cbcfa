import type { AccountState, PositionState, Side } from './types.ts';

export interface AccountSummary {
  account: string;
  cash: number;
  buyingPower: number;
  netLiquidation: number;
  grossPositionValue: number;
  realizedPnl: number;
  unrealizedPnl: number;
  commissions: number;
  /** Dividends received on longs (after withholding) less those paid on shorts. */
  dividends: number;
  /** Tax withheld from dividends received. */
  withholdingTax: number;
}

/**
 * Cash and positions per account: average cost, realized P&L on closing trades (fees kept apart
 * in `commissions`), unrealized P&L at the last price. No leverage: buying power is net
 * liquidation less gross position value.
 */
/** Running sums over an account's positions, so a summary is O(1) on the hot path. */
interface Totals {
  market: number;
  gross: number;
  cost: number;
}

export class Ledger {
  private readonly accounts = new Map<string, AccountState>();
  private readonly positions = new Map<string, Map<string, PositionState>>();
  private readonly totals = new Map<string, Totals>();
  /** symbol -> positions in it (all accounts), for marking without a scan. */
  private readonly bySymbol = new Map<string, PositionState[]>();

  constructor(private readonly initialCash: number) {}

  account(account: string): AccountState {
    let a = this.accounts.get(account);
    if (!a) {
      this.accounts.set(account, (a = { account, cash: this.initialCash, realizedPnl: 0, commissions: 0, dividends: 0, withholdingTax: 0 }));
      this.positions.set(account, new Map());
      this.totals.set(account, { market: 0, gross: 0, cost: 0 });
    }
    return a;
  }

  position(account: string, symbol: string): PositionState {
    this.account(account);
    const book = this.positions.get(account)!;
    let p = book.get(symbol);
    if (!p) {
      book.set(symbol, (p = { account, symbol, quantity: 0, averageCost: 0, realizedPnl: 0, lastPrice: 0 }));
      let list = this.bySymbol.get(symbol);
      if (!list) this.bySymbol.set(symbol, (list = []));
      list.push(p);
    }
    return p;
  }

  /** Positions with a non-zero quantity. */
  openPositions(account: string): PositionState[] {
    this.account(account);
    return [...this.positions.get(account)!.values()].filter((p) => p.quantity !== 0);
  }

  /** Marks every account's position in `symbol` at `price` (for unrealized P&L). */
  mark(symbol: string, price: number): void {
    const list = this.bySymbol.get(symbol);
    if (!list) return;
    for (const p of list) {
      if (p.quantity !== 0) {
        const t = this.totals.get(p.account)!;
        t.market += p.quantity * (price - p.lastPrice);
        t.gross += Math.abs(p.quantity) * (Math.abs(price) - Math.abs(p.lastPrice));
      }
      p.lastPrice = price;
    }
  }

  /** Removes (sign -1) or adds (+1) a position's share of the account totals. */
  private count(p: PositionState, sign: 1 | -1): void {
    const t = this.totals.get(p.account)!;
    t.market += sign * p.quantity * p.lastPrice;
    t.gross += sign * Math.abs(p.quantity * p.lastPrice);
    t.cost += sign * p.quantity * p.averageCost;
  }

  accountNames(): string[] {
    return [...this.accounts.keys()];
  }

  /** Books one execution; returns the P&L it realized. */
  applyFill(account: string, symbol: string, side: Side, qty: number, price: number, fee: number): number {
    const a = this.account(account);
    const p = this.position(account, symbol);
    const dq = side === 'BUY' ? qty : -qty;
    const q0 = p.quantity;
    this.count(p, -1);
    let realized = 0;
    if (q0 === 0) {
      p.averageCost = price;
    } else if (Math.sign(q0) === Math.sign(dq)) {
      p.averageCost = Math.round(((Math.abs(q0) * p.averageCost + qty * price) / Math.abs(q0 + dq)) * 1e8) / 1e8;
    } else {
      const closing = Math.min(qty, Math.abs(q0));
      realized = closing * (price - p.averageCost) * Math.sign(q0);
      const q1 = q0 + dq;
      if (q1 === 0) p.averageCost = 0;
      else if (Math.sign(q1) !== Math.sign(q0)) p.averageCost = price;
    }
    p.quantity = q0 + dq;
    p.realizedPnl += realized;
    p.lastPrice = price;
    this.count(p, 1);
    a.cash -= dq * price + fee;
    a.realizedPnl += realized;
    a.commissions += fee;
    return realized;
  }

  /**
   * A split of `ratio` new shares per old one in `symbol`, for every account: quantities grow by
   * the ratio, average cost and last price shrink by it. A fraction of a share left over is paid
   * out as cash in lieu at the adjusted last price (its P&L realized), as brokers do.
   */
  applySplit(symbol: string, ratio: number): PositionState[] {
    const changed: PositionState[] = [];
    for (const p of this.bySymbol.get(symbol) ?? []) {
      if (p.quantity === 0) {
        p.lastPrice = p.lastPrice / ratio;
        continue;
      }
      const a = this.account(p.account);
      this.count(p, -1);
      p.lastPrice = p.lastPrice / ratio;
      const exact = Math.round(p.quantity * ratio * 1e9) / 1e9;
      const whole = Math.trunc(exact);
      const fraction = exact - whole;
      p.averageCost = Math.round((p.averageCost / ratio) * 1e8) / 1e8;
      p.quantity = whole;
      if (fraction !== 0) {
        const realized = fraction * (p.lastPrice - p.averageCost);
        a.cash += fraction * p.lastPrice;
        a.realizedPnl += realized;
        p.realizedPnl += realized;
      }
      if (p.quantity === 0) p.averageCost = 0;
      this.count(p, 1);
      changed.push(p);
    }
    return changed;
  }

  /**
   * A cash dividend of `amount` per share in `symbol`: a long receives it less `withholding` (a
   * rate, 0..1), a short pays the whole amount (the payment in lieu a lender is owed). Returns the
   * accounts whose cash changed.
   */
  applyDividend(symbol: string, amount: number, withholding = 0): string[] {
    const changed: string[] = [];
    for (const p of this.bySymbol.get(symbol) ?? []) {
      if (p.quantity === 0) continue;
      const a = this.account(p.account);
      const gross = p.quantity * amount;
      const tax = gross > 0 ? gross * withholding : 0;
      a.cash += gross - tax;
      a.dividends += gross - tax;
      a.withholdingTax += tax;
      changed.push(p.account);
    }
    return changed;
  }

  summary(account: string): AccountSummary {
    const a = this.account(account);
    const { market, gross, cost } = this.totals.get(account)!;
    const unrealized = market - cost;
    const netLiquidation = a.cash + market;
    return {
      account, cash: a.cash, buyingPower: Math.max(0, netLiquidation - gross), netLiquidation, grossPositionValue: gross,
      realizedPnl: a.realizedPnl, unrealizedPnl: unrealized, commissions: a.commissions, dividends: a.dividends, withholdingTax: a.withholdingTax,
    };
  }

  /** The summary recomputed from scratch (tests compare it with the running totals). */
  summaryByScan(account: string): Pick<AccountSummary, 'netLiquidation' | 'grossPositionValue' | 'unrealizedPnl'> {
    const a = this.account(account);
    let market = 0;
    let gross = 0;
    let unrealized = 0;
    for (const p of this.positions.get(account)!.values()) {
      market += p.quantity * p.lastPrice;
      gross += Math.abs(p.quantity * p.lastPrice);
      unrealized += p.quantity * (p.lastPrice - p.averageCost);
    }
    return { netLiquidation: a.cash + market, grossPositionValue: gross, unrealizedPnl: unrealized };
  }
}
