import type { AccountAssets, Fill, Order, Position } from '@pounce/core';
import type { FeeModel } from '@pounce/matching';
import type { PositionView } from '../strategy/types.ts';
import { CashLedger } from './CashLedger.ts';


/**
 * The runtime's own view of positions and cash: positions and cash move with each (deduplicated)
 * fill so a strategy sees them at once (cash by the fill's notional and fee), and venue
 * position/asset pushes and reconciliation correct them.
 */
export class Portfolio {
  private readonly qty = new Map<string, number>();
  /** Average price of the open quantity and realized P&L, per symbol. */
  private readonly cost = new Map<string, { average: number; realized: number }>();
  private readonly prices = new Map<string, number>();
  private readonly ledger: CashLedger;
  realizedFills = 0;

  /**
   * `fees` estimates a fill's fee where the venue reports fees per order only (see CashLedger).
   * `venueFigures: false`: no venue asset figure will correct this book's cash (after its first).
   */
  constructor(fees?: FeeModel, o: { venueFigures?: boolean } = {}) {
    this.ledger = new CashLedger(fees, o.venueFigures ?? true);
  }

  applyFill(f: Fill): void {
    const before = this.qty.get(f.symbol) ?? 0;
    const signed = f.action === 'BUY' ? f.quantity : -f.quantity;
    const after = before + signed;
    this.qty.set(f.symbol, after);
    this.moveCost(f.symbol, before, signed, f.price);
    this.prices.set(f.symbol, f.price);
    this.ledger.onFill(f);
    this.realizedFills++;
  }

  /** An order update (deduplicated): its cumulative commission corrects the fees booked into cash. */
  applyOrder(o: Order): void {
    this.ledger.onOrder(o);
  }

  /** Average price and realized P&L after a fill of `signed` shares at `price` on a position of `before`. */
  private moveCost(symbol: string, before: number, signed: number, price: number): void {
    let c = this.cost.get(symbol);
    if (!c) this.cost.set(symbol, (c = { average: 0, realized: 0 }));
    const after = before + signed;
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      // Opening or adding: the average moves to the new quantity's.
      c.average = (c.average * Math.abs(before) + price * Math.abs(signed)) / Math.abs(after);
      return;
    }
    // Reducing, closing or crossing through zero: the closed part realizes against the average.
    const closed = Math.min(Math.abs(signed), Math.abs(before));
    c.realized += closed * (price - c.average) * Math.sign(before);
    if (after === 0) c.average = 0;
    else if (Math.sign(after) !== Math.sign(before)) c.average = price;
  }

  setPosition(p: Position): void {
    this.qty.set(p.symbol, p.quantity);
    const c = this.cost.get(p.symbol);
    // The venue's average cost is the truth; realized P&L stays the run's own (the venue's covers more than this run).
    this.cost.set(p.symbol, { average: p.quantity === 0 ? 0 : p.averageCost, realized: c?.realized ?? 0 });
    if (p.latestPrice > 0) this.prices.set(p.symbol, p.latestPrice);
  }

  /** Replaces every position with the venue's list (symbols missing from it are flat). */
  resetPositions(list: readonly Position[]): void {
    this.qty.clear();
    for (const p of list) this.setPosition(p);
  }

  /** The venue's cash figure replaces the runtime's (a stale one, older than the figure held, is ignored). */
  setAssets(a: AccountAssets): void {
    this.ledger.setAssets(a);
  }

  mark(symbol: string, price: number): void {
    if (price > 0) this.prices.set(symbol, price);
  }

  position(symbol: string): number {
    return this.qty.get(symbol) ?? 0;
  }

  /** Quantity, average price and P&L of one symbol (all zero when never traded). */
  view(symbol: string): PositionView {
    const quantity = this.qty.get(symbol) ?? 0;
    const c = this.cost.get(symbol);
    const average = quantity === 0 ? 0 : (c?.average ?? 0);
    const last = this.prices.get(symbol);
    return { symbol, quantity, averagePrice: average, unrealizedPnl: quantity === 0 || last === undefined ? 0 : (last - average) * quantity, realizedPnl: c?.realized ?? 0 };
  }

  price(symbol: string): number | undefined {
    return this.prices.get(symbol);
  }

  positions(): Array<{ symbol: string; quantity: number }> {
    return [...this.qty].filter(([, q]) => q !== 0).map(([symbol, quantity]) => ({ symbol, quantity }));
  }

  get cash(): number {
    return this.ledger.cash;
  }

  /** Cash moves (fill notionals, fees) still waiting for a venue figure to take them in. */
  get movesWaiting(): number {
    return this.ledger.movesWaiting;
  }

  /** Orders whose fee entry is kept because the venue last said they work (see CashLedger). */
  get feeEntriesWorking(): number {
    return this.ledger.feeEntriesWorking;
  }

  grossExposure(): number {
    let g = 0;
    for (const [s, q] of this.qty) g += Math.abs(q * (this.prices.get(s) ?? 0));
    return g;
  }

  /** Cash plus marked positions (the assets push's netLiquidation lags fills). */
  equity(): number {
    let v = this.cash;
    for (const [s, q] of this.qty) v += q * (this.prices.get(s) ?? 0);
    return v;
  }
}
