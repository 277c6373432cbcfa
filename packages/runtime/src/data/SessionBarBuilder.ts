import type { Bar } from '@pounce/core';
import type { ExchangeCalendar, Timeframe } from '@pounce/calendar';

interface OpenPeriod {
  symbol: string;
  start: number;
  end: number;
  /**
   * Base bars in time order; a forming minute pushed again replaces its earlier snapshot. An array,
   * not a map by start: a daily backtest files one bar per period, and a Map per bar was most of
   * what a run allocated.
   */
  parts: Bar[];
}

/**
 * Builds a timeframe's bars from finer bars on an exchange calendar. A base bar is filed under the
 * session period that contains its start (outside trading hours it is left out and counted); a
 * base bar seen again with the same start replaces the earlier one, since the push kline carries
 * the *current* minute, cumulative, while it forms. A period's bar is emitted by `due(now)` once
 * the period's end has passed on the venue's clock, never before: by then every minute in it has
 * ended, so each is complete.
 *
 * @example
 * ```ts
 * const b = new SessionBarBuilder(() => usEquities, parseTimeframe('1d'));
 * const end = b.add(minuteBar); // the period's end: wake up then
 * // ... at venue time >= end:
 * for (const bar of b.due(end)) strategy(bar);
 * ```
 */
export class SessionBarBuilder {
  /** Per symbol, its open periods in the order they were opened (rarely more than one). */
  private readonly open = new Map<string, OpenPeriod[]>();
  /** Base bars left out because they fall outside trading hours. */
  outside = 0;
  /** Base bars left out because their period's bar had been emitted already. */
  late = 0;

  constructor(private readonly calendarOf: (symbol: string) => ExchangeCalendar, readonly timeframe: Timeframe, readonly extendedHours = false) {}

  /**
   * Files a base bar; returns the end of its period (when its bar becomes due), or undefined when
   * the bar is outside trading hours or its period ended at or before `emittedUpTo`.
   */
  add(b: Bar, emittedUpTo = -Infinity): number | undefined {
    const p = this.calendarOf(b.symbol).periodAt(b.time, this.timeframe, this.extendedHours);
    if (!p) {
      this.outside++;
      return undefined;
    }
    if (p.end <= emittedUpTo) {
      this.late++;
      return undefined;
    }
    let periods = this.open.get(b.symbol);
    if (!periods) this.open.set(b.symbol, (periods = []));
    let o: OpenPeriod | undefined;
    for (const x of periods) if (x.start === p.start) o = x;
    if (!o) periods.push((o = { symbol: b.symbol, start: p.start, end: p.end, parts: [b] }));
    else file(o.parts, b);
    return p.end;
  }

  /** The bars of every period whose end is at or before `now`, by end then symbol; they are forgotten. */
  due(now: number): Bar[] {
    const ready: OpenPeriod[] = [];
    for (const periods of this.open.values()) {
      let kept = 0;
      for (const o of periods) {
        if (o.end <= now) ready.push(o);
        else periods[kept++] = o;
      }
      periods.length = kept;
    }
    // A symbol keeps its (empty) list: deleting and re-adding its entry every period churned the map.
    if (ready.length > 1) ready.sort((a, b) => a.end - b.end || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    return ready.map(fold);
  }

  /** Every open period's bar, whatever its end (the data ran out). */
  drain(): Bar[] {
    return this.due(Infinity);
  }
}

/** Files `b` among `parts` (in time order): a bar with the same start replaces the earlier one. */
function file(parts: Bar[], b: Bar): void {
  let i = parts.length;
  // Bars come in time order almost always: look from the end.
  while (i > 0 && parts[i - 1]!.time > b.time) i--;
  if (i > 0 && parts[i - 1]!.time === b.time) parts[i - 1] = b;
  else parts.splice(i, 0, b);
}

/** OHLCV of a period's base bars (in time order), stamped with the period's start. */
function fold(o: OpenPeriod): Bar {
  const parts = o.parts;
  const first = parts[0]!;
  const bar: Bar = { symbol: o.symbol, time: o.start, open: first.open, high: first.high, low: first.low, close: first.close, volume: 0 };
  let ratio = 1;
  for (const p of parts) {
    if (p.high > bar.high) bar.high = p.high;
    if (p.low < bar.low) bar.low = p.low;
    bar.close = p.close;
    bar.volume += p.volume;
    ratio *= p.splitRatio ?? 1;
  }
  // A split that took effect within the period goes on to the strategy with the period's bar.
  if (ratio !== 1) bar.splitRatio = ratio;
  return bar;
}
