import { usEquities } from '@pounce/calendar';
import type { OrderAction } from '@pounce/core';

/** FINRA Rule 4210(f)(8)(B): four or more day trades within five business days make a pattern day trader. */
export const PDT_DAY_TRADES = 4;
export const PDT_BUSINESS_DAYS = 5;
/** Equity at or above which a margin account may day trade freely. */
export const PDT_MIN_EQUITY = 25_000;

interface Entry {
  key: string;
  side: OrderAction;
  /** Filled in part or whole: it stays counted whatever happens to the order later. */
  filled: boolean;
}

/**
 * The account's day trades (FINRA: buying and selling, or selling and buying, the same security
 * on the same day), counted from the orders the node sends, in the order it sends them. Per
 * symbol and US trading date, consecutive orders of one side form a run; a run that follows an
 * unpaired run of the other side completes one day trade (buy, buy, sell: one; buy, sell, buy,
 * sell: two). An order counts from when it is sent until it ends with nothing filled (cancelled,
 * rejected): a working order counts, so two orders sent together cannot slip a fourth day trade
 * past the check. Days older than the five-business-day window are forgotten.
 *
 * @example
 * ```ts
 * const pdt = new PatternDayTrades();
 * pdt.record('a1', 'NVDA', 'BUY', t);
 * pdt.completesDayTrade('NVDA', 'SELL', t); // true: selling what was bought today
 * ```
 */
export class PatternDayTrades {
  /** date -> symbol -> entries in the order sent. */
  private readonly days = new Map<string, Map<string, Entry[]>>();
  /** key -> where its entry is, to drop it when the order ends unfilled. */
  private readonly where = new Map<string, { date: string; symbol: string }>();

  /** True when the order `key` is counted (sent, or seen filled) in the window. */
  has(key: string): boolean {
    return this.where.has(key);
  }

  /**
   * Records an order sent (or first seen filled) at venue time `t` (its key: the client order id,
   * or `order:<venue id>` for an order without one). A key already counted is not counted twice.
   */
  record(key: string, symbol: string, side: OrderAction, t: number): void {
    if (this.where.has(key)) return;
    const date = usEquities.dateOf(t);
    this.forgetBefore(windowStart(date));
    let bySymbol = this.days.get(date);
    if (!bySymbol) this.days.set(date, (bySymbol = new Map()));
    const list = bySymbol.get(symbol) ?? [];
    list.push({ key, side, filled: false });
    bySymbol.set(symbol, list);
    this.where.set(key, { date, symbol });
  }

  /** The order `key` ended with nothing filled (or never reached the venue): it trades nothing. */
  drop(key: string): void {
    const w = this.where.get(key);
    if (!w) return;
    const list = this.days.get(w.date)?.get(w.symbol);
    const i = list?.findIndex((e) => e.key === key) ?? -1;
    if (i < 0 || list![i]!.filled) return;
    this.where.delete(key);
    list!.splice(i, 1);
  }

  /** The order `key` filled (in part or whole): it stays counted; a later drop changes nothing. */
  settle(key: string): void {
    const w = this.where.get(key);
    const e = w && this.days.get(w.date)?.get(w.symbol)?.find((x) => x.key === key);
    if (e) e.filled = true;
  }

  /** Day trades in the five US business days ending with the date of `t`, and the window's first date. */
  count(t: number): { dayTrades: number; from: string; to: string } {
    const to = usEquities.dateOf(t);
    const from = windowStart(to);
    let dayTrades = 0;
    for (const [date, bySymbol] of this.days) {
      if (date < from || date > to) continue;
      for (const list of bySymbol.values()) dayTrades += dayTradesOf(list.map((e) => e.side));
    }
    return { dayTrades, from, to };
  }

  /** True when an order of `side` on `symbol` at `t` would complete a new day trade. */
  completesDayTrade(symbol: string, side: OrderAction, t: number): boolean {
    const list = this.days.get(usEquities.dateOf(t))?.get(symbol) ?? [];
    const sides = list.map((e) => e.side);
    return dayTradesOf([...sides, side]) > dayTradesOf(sides);
  }

  private forgetBefore(date: string): void {
    for (const d of this.days.keys()) {
      if (d >= date) continue;
      for (const list of this.days.get(d)!.values()) for (const e of list) this.where.delete(e.key);
      this.days.delete(d);
    }
  }
}

/** Day trades in one symbol's sides of one day: each run that follows an unpaired run of the other side. */
export function dayTradesOf(sides: readonly OrderAction[]): number {
  let n = 0;
  let unpaired = false;
  for (let i = 0; i < sides.length; i++) {
    if (i > 0 && sides[i] === sides[i - 1]) continue; // the same run
    if (unpaired) (n++, (unpaired = false));
    else unpaired = true;
  }
  return n;
}

/** The first date of the five US business days that end with `date` (a closed `date` counts as one of them). */
export function windowStart(date: string): string {
  let from = date;
  for (let k = 1; k < PDT_BUSINESS_DAYS; k++) from = usEquities.previousSession(from)?.date ?? from;
  return from;
}
