import type { AccountAssets, Fill, Order, Position } from '@pounce/core';
import type { FeeModel } from '@pounce/matching';
import { CashLedger } from './CashLedger.ts';

/**
 * The runtime's own view of positions and cash: positions and cash move with each (deduplicated)
 * fill so a strategy sees them at once (cash by the fill's notional and fee), and venue
 * position/asset pushes and reconciliation correct them.
 */
export class Portfolio {
  private readonly qty = new Map<string, number>();
  private readonly prices = new Map<string, number>();
  private readonly ledger: CashLedger;
  realizedFills = 0;

  /** `fees` estimates a fill's fee where the venue reports fees per order only (see CashLedger). */
  constructor(fees?: FeeModel) {
    this.ledger = new CashLedger(fees);
  }

  applyFill(f: Fill): void {
    this.qty.set(f.symbol, (this.qty.get(f.symbol) ?? 0) + (f.action === 'BUY' ? f.quantity : -f.quantity));
    this.prices.set(f.symbol, f.price);
    this.ledger.onFill(f);
    this.realizedFills++;
  }

  /** An order update (deduplicated): its cumulative commission corrects the fees booked into cash. */
  applyOrder(o: Order): void {
    this.ledger.onOrder(o);
  }

  setPosition(p: Position): void {
    this.qty.set(p.symbol, p.quantity);
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

  price(symbol: string): number | undefined {
    return this.prices.get(symbol);
  }

  positions(): Array<{ symbol: string; quantity: number }> {
    return [...this.qty].filter(([, q]) => q !== 0).map(([symbol, quantity]) => ({ symbol, quantity }));
  }

  get cash(): number {
    return this.ledger.cash;
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
