import type { Fill } from '@pounce/core';

/** A closed position segment: entry and exit with FIFO-matched quantities. */
export interface Trade {
  symbol: string;
  side: 'long' | 'short';
  quantity: number;
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  /** Fees of this round trip: the entry and exit fills' fees, pro rata to its quantity. */
  fees: number;
  /** Profit after fees: (exit - entry) x quantity for a long (reversed for a short), minus `fees`. */
  pnl: number;
}

/** Aggregates of closed trades: what the metrics need when trades are not kept one by one. */
export interface TradeStats {
  count: number;
  wins: number;
  grossWin: number;
  grossLoss: number;
}

/**
 * Pairs fills into round trips as they come, first in first out, per symbol. A trade's `pnl` is
 * after fees (each fill's fee split pro rata over the quantities it opened or closed), so trade
 * P&L adds up to the equity change of a run that ends flat; open quantity at the end is not a trade.
 */
export class RoundTripBook {
  private readonly lots = new Map<string, Array<{ qty: number; price: number; time: number; feePerShare: number }>>();
  readonly stats: TradeStats = { count: 0, wins: 0, grossWin: 0, grossLoss: 0 };

  constructor(private readonly onTrade?: (t: Trade) => void) {}

  /** `fee`: the fill's fee when the caller knows it apart from the fill (default its commission). */
  add(f: Fill, fee = f.commission ?? 0): void {
    const out: Trade[] = [];
    const lots = this.lots;
    const signed = f.action === 'BUY' ? f.quantity : -f.quantity;
    let book = lots.get(f.symbol);
    if (!book) lots.set(f.symbol, (book = []));
    let remaining = signed;
    const feePerShare = f.quantity > 0 ? fee / f.quantity : 0;
    while (remaining !== 0 && book.length > 0 && Math.sign(book[0]!.qty) !== Math.sign(remaining)) {
      const lot = book[0]!;
      const q = Math.min(Math.abs(lot.qty), Math.abs(remaining));
      const long = lot.qty > 0;
      const fees = (lot.feePerShare + feePerShare) * q;
      out.push({
        symbol: f.symbol, side: long ? 'long' : 'short', quantity: q, entryTime: lot.time, entryPrice: lot.price, exitTime: f.time, exitPrice: f.price,
        fees, pnl: (f.price - lot.price) * q * (long ? 1 : -1) - fees,
      });
      lot.qty -= Math.sign(lot.qty) * q;
      remaining -= Math.sign(remaining) * q;
      if (lot.qty === 0) book.shift();
    }
    if (remaining !== 0) book.push({ qty: remaining, price: f.price, time: f.time, feePerShare });
    for (const t of out) {
      this.stats.count++;
      if (t.pnl > 0) {
        this.stats.wins++;
        this.stats.grossWin += t.pnl;
      } else if (t.pnl < 0) this.stats.grossLoss -= t.pnl;
      this.onTrade?.(t);
    }
  }
}

/** Every round trip of a fill list (see RoundTripBook). */
export function roundTrips(fills: readonly Fill[]): Trade[] {
  const out: Trade[] = [];
  const book = new RoundTripBook((t) => out.push(t));
  for (const f of fills) book.add(f);
  return out;
}
