import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { klinePeriod, marketOf, parseTimeframe, shippedCalendar, type ExchangeCalendar, type Market, type Timeframe } from '@pounce/calendar';
import { silentLogger, type Bar, type Logger } from '@pounce/core';
import type { Venue } from '../venue/Venue.ts';
import { SessionBarBuilder } from './SessionBarBuilder.ts';

export interface BarFeedOptions {
  venue: Venue;
  symbols: readonly string[];
  /** The strategy's timeframe; undefined: the venue's own bars, as they come. */
  timeframe: Timeframe | undefined;
  extendedHours: boolean;
  /** Bars (distinct bar times) fed as warm-up before the strategy may trade. */
  warmUp: number;
  right: 'br' | 'nr';
  logger?: Logger;
  /** Wall time a real account's bar waits after its period's end for the last push (ms). */
  graceMs?: number;
}

/**
 * Prices at the push protocol's 32-bit float precision, as every other bar a strategy gets (the
 * backtest's and the pushed klines): a REST bar must not round differently from its backtest twin.
 */
function asPushed(b: Bar): Bar {
  return { ...b, open: Math.fround(b.open), high: Math.fround(b.high), low: Math.fround(b.low), close: Math.fround(b.close) };
}

/** Bars kept per symbol for `history` beyond the warm-up. */
const HISTORY_KEEP = 1000;

/**
 * The last `size` bars of one symbol as numbers in a ring, rebuilt as bars only when asked for:
 * bar objects kept for a thousand bars outlive the young generation, and copying them into the
 * old one was a large share of a long backtest's time and memory.
 */
class BarHistory {
  /** time, open, high, low, close, volume, splitRatio (NaN when none) per bar. */
  private static readonly FIELDS = 7;
  private v: Float64Array;
  private next = 0;
  private count = 0;

  constructor(private readonly symbol: string, private readonly size: number) {
    // Grown on demand up to `size`: a short run or a rarely traded symbol does not pay for a full ring.
    this.v = new Float64Array(Math.min(size, 64) * BarHistory.FIELDS);
  }

  push(b: Bar): void {
    const cap = this.v.length / BarHistory.FIELDS;
    if (this.count === cap && cap < this.size) this.grow(Math.min(this.size, cap * 2));
    const i = this.next * BarHistory.FIELDS;
    const v = this.v;
    v[i] = b.time;
    v[i + 1] = b.open;
    v[i + 2] = b.high;
    v[i + 3] = b.low;
    v[i + 4] = b.close;
    v[i + 5] = b.volume;
    v[i + 6] = b.splitRatio ?? NaN;
    this.next = (this.next + 1) % (this.v.length / BarHistory.FIELDS);
    if (this.count < this.v.length / BarHistory.FIELDS) this.count++;
  }

  /** The last `n` bars, oldest first. */
  last(n: number): Bar[] {
    const cap = this.v.length / BarHistory.FIELDS;
    const k = Math.min(n, this.count);
    const out: Bar[] = new Array(k);
    for (let j = 0; j < k; j++) {
      const i = ((this.next - k + j + cap) % cap) * BarHistory.FIELDS;
      const v = this.v;
      const bar: Bar = { symbol: this.symbol, time: v[i]!, open: v[i + 1]!, high: v[i + 2]!, low: v[i + 3]!, close: v[i + 4]!, volume: v[i + 5]! };
      if (!Number.isNaN(v[i + 6]!)) bar.splitRatio = v[i + 6]!;
      out[j] = bar;
    }
    return out;
  }

  /** Re-lays the ring oldest first into a larger one (only while it is full, so `next` is the oldest). */
  private grow(cap: number): void {
    const old = this.v;
    const f = BarHistory.FIELDS;
    this.v = new Float64Array(cap * f);
    this.v.set(old.subarray(this.next * f), 0);
    this.v.set(old.subarray(0, this.next * f), old.length - this.next * f);
    this.next = this.count;
  }
}

/**
 * The strategy's bars: its timeframe's bars on the exchange calendar, emitted when their session
 * period closes (by the venue's clock), after a warm-up fed from the venue's kline history.
 *
 * - No timeframe: the venue's bars as they come (the data's own period).
 * - A backtest (complete bars): its bars aggregated on the calendar, emitted at each period's end.
 * - An OpenAPI venue, intraday: the pushed minute klines (the current minute, cumulative, while it
 *   forms) aggregated the same way; a minute is complete once its period has ended.
 * - An OpenAPI venue, `1d` regular hours: each session's daily bar fetched by REST after its close
 *   (as a live runtime would; the broker's daily bar includes the closing auction).
 *
 * Bars up to the warm-up count are flagged (`warmingUp`): the strategy primes its indicators and
 * cannot order. `history(symbol, n)` answers from the bars already emitted: never a future one.
 *
 * @example
 * ```ts
 * const feed = new BarFeed({ venue, symbols: ['NVDA'], timeframe: parseTimeframe('1d'), extendedHours: false, warmUp: 30, right: 'br' });
 * feed.bars$.subscribe((b) => feed.warmingUp || console.log('trade on', b));
 * await feed.start();
 * ```
 */
export class BarFeed {
  /**
   * The subscribers of `bars$`, called directly for each bar: a Subject's `next` (an error-context
   * closure and an iterator per bar in RxJS's build) cost a tenth of a quiet backtest. Replaced,
   * not mutated, on (un)subscribe, so each bar goes to those subscribed when it was emitted.
   */
  private sinks: ReadonlyArray<Subscriber<Bar>> = [];
  private completed = false;
  readonly bars$: Observable<Bar> = new Observable<Bar>((sink) => {
    if (this.completed) {
      sink.complete();
      return;
    }
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  });
  private readonly kept = new Map<string, BarHistory>();
  private readonly subs: Subscription[] = [];
  private readonly log: Logger;
  private readonly calendars = new Map<Market, ExchangeCalendar>();
  private builder: SessionBarBuilder | undefined;
  /** Period ends a wake-up is scheduled for. */
  private readonly scheduled = new Set<number>();
  /** Per symbol, the end of the last period emitted. */
  private readonly emittedUpTo = new Map<string, number>();
  /** Bars held back until the warm-up history has been fed. */
  private held: Bar[] | undefined = [];
  private distinctTimes = 0;
  private lastTime = -Infinity;
  private stopped = false;
  private outsideWarned = false;

  private readonly o: BarFeedOptions;

  constructor(options: BarFeedOptions) {
    // Without a timeframe, a venue whose pushes carry none of its own bars (a daily replay) serves them daily.
    const own = options.timeframe === undefined && options.venue.ownTimeframe === '1d' ? parseTimeframe('1d') : undefined;
    const o = (this.o = own ? { ...options, timeframe: own } : options);
    this.log = o.logger ?? silentLogger;
    for (const s of o.symbols) if (!this.calendars.has(marketOf(s))) this.calendars.set(marketOf(s), shippedCalendar(marketOf(s)));
  }

  /** True until the warm-up bars have been emitted: no order may be sent. */
  get warmingUp(): boolean {
    return this.distinctTimes <= this.o.warmUp && this.o.warmUp > 0;
  }

  /** The last `n` completed bars of `symbol`, oldest first (warm-up bars included; at most the last max(1000, warm-up)). */
  history(symbol: string, n: number): Bar[] {
    if (!Number.isInteger(n) || n < 0) throw new Error(`history(${symbol}, n): n must be a whole number >= 0, got ${n}`);
    return this.kept.get(symbol)?.last(n) ?? [];
  }

  calendarOf(symbol: string): ExchangeCalendar {
    return this.calendars.get(marketOf(symbol))!;
  }

  /** How bars reach the strategy on this venue. */
  get mode(): 'native' | 'aggregate' | 'rest-daily' {
    const { timeframe, venue, extendedHours } = this.o;
    if (!timeframe) return 'native';
    if (timeframe.kind === 'session' && !extendedHours && venue.barKind === 'forming' && venue.klines) return 'rest-daily';
    return 'aggregate';
  }

  /** Subscribes to the venue, loads the broker's calendar, feeds the warm-up history, then goes live. */
  async start(): Promise<void> {
    const { venue, symbols } = this.o;
    const mode = this.mode;
    // A venue stream that fails (a kick-out) ends the feed: the execution engine halts on it (cause venue).
    const ended = { error: () => undefined };
    if (mode === 'native') this.subs.push(venue.bars$(symbols).subscribe({ next: (b) => this.emit(b), ...ended }));
    if (mode === 'aggregate') {
      this.builder = new SessionBarBuilder((s) => this.calendarOf(s), this.o.timeframe!, this.o.extendedHours);
      this.subs.push(venue.bars$(symbols).subscribe({ next: (b) => this.addBase(b), ...ended }));
    }
    await this.loadBrokerCalendars();
    await this.feedHistory();
    const held = this.held ?? [];
    this.held = undefined;
    for (const b of held) this.emit(b);
    if (mode === 'rest-daily') for (const market of this.calendars.keys()) void this.dailyLoop(market);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    if (this.completed) return;
    this.completed = true;
    const sinks = this.sinks;
    this.sinks = [];
    for (const s of sinks) s.complete();
  }

  /** The broker's trading days take precedence over the shipped rules (from 40 days back to 40 ahead). */
  private async loadBrokerCalendars(): Promise<void> {
    const { venue } = this.o;
    if (!venue.tradingDays || !this.o.timeframe) return;
    for (const [market, cal] of this.calendars) {
      const now = venue.now();
      const from = cal.dateOf(now - 40 * 86_400_000);
      const to = cal.dateOf(now + 40 * 86_400_000);
      try {
        const days = await venue.tradingDays(market, from, to);
        this.calendars.set(market, cal.withTradingDays(days, { from, to }));
      } catch (e) {
        this.log.warn('trading calendar unavailable; using the shipped one', { market, error: (e as Error).message });
      }
    }
  }

  /** Warm-up bars from the venue's kline history: completed periods only, newest `warmUp` of each symbol. */
  private async feedHistory(): Promise<void> {
    const { venue, symbols, timeframe, warmUp } = this.o;
    if (!venue.klines || !timeframe || warmUp <= 0) return;
    const now = venue.now();
    let bySymbol: Map<string, Bar[]>;
    try {
      bySymbol = await venue.klines(symbols, { period: klinePeriod(timeframe), endTime: now, limit: Math.min(1200, warmUp + 2), right: this.o.right });
    } catch (e) {
      this.log.warn('warm-up history unavailable; warming up on live bars', { error: (e as Error).message });
      return;
    }
    const bars: Bar[] = [];
    for (const s of symbols) {
      const done = (bySymbol.get(s) ?? []).flatMap((b) => {
        const p = this.calendarOf(s).periodAt(this.periodProbe(b), timeframe, this.o.extendedHours);
        return p && p.end <= now ? [asPushed({ ...b, time: p.start })] : [];
      });
      bars.push(...done.slice(-warmUp));
      const last = done[done.length - 1];
      if (last) this.emittedUpTo.set(s, this.calendarOf(s).periodAt(last.time, timeframe, this.o.extendedHours)!.end);
    }
    bars.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : 1));
    for (const b of bars) this.deliver(b);
  }

  /**
   * An instant inside the period a kline stands for: the service stamps a daily bar at midnight
   * of its date (exchange time), intraday bars at their start.
   */
  private periodProbe(b: Bar): number {
    if (this.o.timeframe?.kind !== 'session') return b.time;
    const s = this.calendarOf(b.symbol).session(this.calendarOf(b.symbol).dateOf(b.time));
    return s ? s.open : b.time;
  }

  private addBase(b: Bar): void {
    const end = this.builder!.add(b, this.emittedUpTo.get(b.symbol));
    if (this.builder!.outside > 0 && !this.outsideWarned) {
      this.outsideWarned = true;
      this.log.warn('bars outside the exchange\'s trading hours are left out of the strategy\'s bars', { symbol: b.symbol, time: new Date(b.time).toISOString() });
    }
    if (end === undefined || this.scheduled.has(end)) return;
    this.scheduled.add(end);
    const { clock } = this.o.venue;
    const grace = this.o.venue.barKind === 'forming' && (this.o.venue.kind === 'paper' || this.o.venue.kind === 'live') ? (this.o.graceMs ?? 1500) : 0;
    void clock.sleep(end + grace - clock.now()).then(() => {
      this.scheduled.delete(end);
      // Woken before the end (a replay that is over): the period never closed; its bar is not emitted.
      if (this.stopped || clock.now() < end) return;
      for (const bar of this.builder!.due(end)) {
        this.emittedUpTo.set(bar.symbol, Math.max(this.emittedUpTo.get(bar.symbol) ?? -Infinity, end));
        this.emit(bar);
      }
    });
  }

  /**
   * Live `1d` on an OpenAPI venue: after each session's close, fetch the daily bars completed since
   * the last one (one request for the symbols of the market; a late wake-up catches up in it).
   */
  private async dailyLoop(market: Market): Promise<void> {
    const { venue } = this.o;
    const symbols = this.o.symbols.filter((s) => marketOf(s) === market);
    const grace = venue.kind === 'paper' || venue.kind === 'live' ? (this.o.graceMs ?? 1500) : 0;
    while (!this.stopped) {
      const cal = this.calendars.get(market)!;
      const now = venue.clock.now();
      const today = cal.session(cal.dateOf(now));
      const next = today && today.close > now ? today : cal.nextSession(cal.dateOf(now));
      if (!next) return;
      await venue.clock.sleep(next.close + grace - venue.clock.now());
      // Woken before the close: the venue's time stands still (a replay that is over).
      if (this.stopped || venue.clock.now() < next.close) return;
      // From the last emitted close (a daily kline is stamped at midnight of its date, after it).
      const beginTime = Math.min(...symbols.map((s) => this.emittedUpTo.get(s) ?? next.open - 12 * 3_600_000));
      let bySymbol: Map<string, Bar[]>;
      try {
        bySymbol = await venue.klines!(symbols, { period: 'day', beginTime, endTime: venue.clock.now(), limit: 50, right: this.o.right });
      } catch (e) {
        this.log.warn('daily bar fetch failed; trying again after the next close', { market, error: (e as Error).message });
        continue;
      }
      const fresh: Array<Bar & { end: number }> = [];
      for (const s of symbols) {
        for (const b of bySymbol.get(s) ?? []) {
          const session = cal.session(cal.dateOf(b.time));
          if (!session || session.close > venue.clock.now() || session.close <= (this.emittedUpTo.get(s) ?? -Infinity)) continue;
          fresh.push({ ...asPushed(b), time: session.open, end: session.close });
        }
      }
      fresh.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : 1));
      for (const { end, ...bar } of fresh) {
        this.emittedUpTo.set(bar.symbol, end);
        this.emit(bar);
      }
    }
  }

  private emit(b: Bar): void {
    if (this.held) this.held.push(b);
    else this.deliver(b);
  }

  private deliver(b: Bar): void {
    if (b.time !== this.lastTime) {
      this.distinctTimes++;
      this.lastTime = b.time;
    }
    let h = this.kept.get(b.symbol);
    if (!h) this.kept.set(b.symbol, (h = new BarHistory(b.symbol, Math.max(HISTORY_KEEP, this.o.warmUp))));
    h.push(b);
    for (const s of this.sinks) s.next(b);
  }
}
