import { DateTime, IANAZone } from 'luxon';
import type { Timeframe } from './Timeframe.ts';
import { ZoneOffsets } from './ZoneOffsets.ts';

/** The markets Pounce has calendars for. */
export type Market = 'US' | 'HK';

/** What kind of day a date is at an exchange. */
export type DayKind = 'closed' | 'full' | 'short';

/** [start, end) in epoch ms. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One trading day at an exchange, in epoch ms. */
export interface TradingSession {
  readonly market: Market;
  /** The exchange-local date, YYYY-MM-DD. */
  readonly date: string;
  /** Regular hours: the first segment's start and the last one's end. */
  readonly open: number;
  readonly close: number;
  /** Continuous-trading segments of regular hours (Hong Kong: morning and afternoon, the lunch break between). */
  readonly segments: readonly Span[];
  /** Extended hours: from the pre-market's start to the post-market's end (open/close where there are none). */
  readonly preOpen: number;
  readonly postClose: number;
  /** A short day: an early close (US) or a morning-only session (Hong Kong). */
  readonly short: boolean;
}

/** A bar period inside a session. */
export interface SessionPeriod extends Span {
  readonly session: TradingSession;
}

/** Wall-clock hours of an exchange, `HH:MM` in its zone. */
export interface ExchangeHours {
  full: ReadonlyArray<readonly [string, string]>;
  short: ReadonlyArray<readonly [string, string]>;
  preOpen: string;
  postClose: string;
  /** Post-market end on a short day. */
  shortPostClose: string;
}

/** Dates whose sessions are kept: a run asks for dates near its clock, so a few months of them serve it. */
const SESSIONS_CACHED = 256;

const DAY_MS = 86_400_000;

/**
 * Trading sessions of one exchange: which dates trade, their regular and extended hours in epoch
 * ms (daylight-saving changes resolved by luxon in the exchange's zone), and the bar periods of a
 * timeframe inside them. The day rules come from the shipped rules or the broker's calendar
 * (`withTradingDays`).
 *
 * @example
 * ```ts
 * const s = usEquities.session('2024-11-29'); // day after Thanksgiving: closes 13:00 New York time
 * usEquities.periodAt(s!.open + 60_000, parseTimeframe('1d')); // the whole session, [open, close)
 * ```
 */
export class ExchangeCalendar {
  private readonly cache = new Map<string, TradingSession | null>();
  private last: TradingSession | undefined;
  private readonly tz: IANAZone;
  private readonly offsets: ZoneOffsets;

  constructor(
    readonly market: Market,
    readonly zone: string,
    private readonly hours: ExchangeHours,
    private readonly dayKind: (date: string) => DayKind,
  ) {
    this.tz = IANAZone.create(zone);
    if (!this.tz.isValid) throw new Error(`exchange zone: "${zone}" is not an IANA time zone`);
    this.offsets = ZoneOffsets.of(this.tz);
  }

  /**
   * Epoch ms of wall-clock times on a date in the exchange's zone, with the offset in force at the
   * date's noon: clocks change in the small hours (02:00 in New York), before any session hour.
   */
  private wallClock(date: string): (hhmm: string) => number {
    const y = Number(date.slice(0, 4));
    const m = Number(date.slice(5, 7)) - 1;
    const d = Number(date.slice(8, 10));
    const noon = Date.UTC(y, m, d, 12);
    const offsetMs = this.offsets.offsetMs(noon - this.offsets.offsetMs(noon));
    return (hhmm) => Date.UTC(y, m, d, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5))) - offsetMs;
  }

  /** The session on an exchange-local date (YYYY-MM-DD), or undefined when the exchange is closed. */
  session(date: string): TradingSession | undefined {
    let s = this.cache.get(date);
    if (s === undefined) {
      s = this.build(date) ?? null;
      // A session is a pure function of its date: when the cache is full, start it again, so a
      // process that runs for years (or replays decades) does not keep every date it ever asked.
      if (this.cache.size >= SESSIONS_CACHED) this.cache.clear();
      this.cache.set(date, s);
    }
    return s ?? undefined;
  }

  /** The exchange-local day last asked for, as [start, end) in epoch ms. */
  private day: { start: number; end: number; date: string } | undefined;

  /**
   * The exchange-local date of an instant. The day's span is kept: the bars of one step (hundreds
   * of symbols at one instant) and the steps of one day ask again, and luxon's zone lookup per call
   * was a tenth of a daily backtest's CPU.
   */
  dateOf(ms: number): string {
    const d = this.day;
    if (d && ms >= d.start && ms < d.end) return d.date;
    this.day = this.dayAround(ms);
    return this.day.date;
  }

  /**
   * The exchange-local day containing `ms`: from the zone's learned offsets where one offset holds
   * all day (a luxon DateTime and its day arithmetic cost ~60 µs, 9% of a 100-symbol daily
   * backtest with a new day every step), through luxon on a day the clocks change.
   */
  private dayAround(ms: number): { start: number; end: number; date: string } {
    const off = this.offsets.offsetMs(ms);
    const local = new Date(ms + off);
    const year = local.getUTCFullYear();
    const wallMidnight = Date.UTC(year, local.getUTCMonth(), local.getUTCDate());
    const start = wallMidnight - off;
    const end = start + DAY_MS;
    if (year >= 1000 && year <= 9999 && this.offsets.constantOver(start, end - 1) === off) {
      return { start, end, date: local.toISOString().slice(0, 10) };
    }
    // A day the clocks change: luxon dates this instant and nothing is kept for the next call. Such
    // a day need not be one stretch of time (where clocks went back at 00:01, an hour of the day
    // before came again after midnight), and start + 1 day ran past a day that began at 01:00.
    return { start: ms, end: ms + 1, date: DateTime.fromMillis(ms, { zone: this.zone }).toISODate()! };
  }

  /** The session whose hours (extended hours with `extended`) contain `ms`, if any. */
  sessionAt(ms: number, extended = false): TradingSession | undefined {
    const l = this.last;
    const s = l && ms >= l.preOpen && ms < l.postClose ? l : this.session(this.dateOf(ms));
    if (!s) return undefined;
    this.last = s;
    return ms >= (extended ? s.preOpen : s.open) && ms < (extended ? s.postClose : s.close) ? s : undefined;
  }

  /** The first session on a date after `date` (looking at most 30 days ahead). */
  nextSession(date: string): TradingSession | undefined {
    let d = DateTime.fromISO(date, { zone: this.zone });
    for (let i = 0; i < 30; i++) {
      d = d.plus({ days: 1 });
      const s = this.session(d.toISODate()!);
      if (s) return s;
    }
    return undefined;
  }

  /** The last session on a date before `date` (looking at most 30 days back). */
  previousSession(date: string): TradingSession | undefined {
    let d = DateTime.fromISO(date, { zone: this.zone });
    for (let i = 0; i < 30; i++) {
      d = d.minus({ days: 1 });
      const s = this.session(d.toISODate()!);
      if (s) return s;
    }
    return undefined;
  }

  /** Sessions on dates in [from, to] (YYYY-MM-DD), oldest first. */
  sessions(from: string, to: string): TradingSession[] {
    const out: TradingSession[] = [];
    const end = DateTime.fromISO(to, { zone: this.zone });
    for (let d = DateTime.fromISO(from, { zone: this.zone }); d <= end; d = d.plus({ days: 1 })) {
      const s = this.session(d.toISODate()!);
      if (s) out.push(s);
    }
    return out;
  }

  /** The trading segments of a session: regular ones, or pre-market + regular + post-market. */
  segments(s: TradingSession, extended: boolean): Span[] {
    if (!extended) return [...s.segments];
    const out: Span[] = [];
    if (s.preOpen < s.open) out.push({ start: s.preOpen, end: s.open });
    out.push(...s.segments);
    if (s.postClose > s.close) out.push({ start: s.close, end: s.postClose });
    return out;
  }

  /**
   * The period of `tf` that contains `ms`, or undefined when `ms` is outside trading hours (the
   * lunch break, a holiday, extended hours without `extended`). Intraday periods count from each
   * segment's start and end at its end (a 1h bar on a 13:00 early close ends at 13:00); a `1d`
   * period is the whole session.
   */
  periodAt(ms: number, tf: Timeframe, extended = false): SessionPeriod | undefined {
    const s = this.sessionAt(ms, extended);
    if (!s) return undefined;
    const seg = this.segments(s, extended).find((x) => ms >= x.start && ms < x.end);
    if (!seg) return undefined;
    if (tf.kind === 'session') return extended ? { start: s.preOpen, end: s.postClose, session: s } : { start: s.open, end: s.close, session: s };
    const len = tf.minutes * 60_000;
    const start = seg.start + Math.floor((ms - seg.start) / len) * len;
    return { start, end: Math.min(start + len, seg.end), session: s };
  }

  /** Every period of `tf` in a session, in time order. */
  periods(s: TradingSession, tf: Timeframe, extended = false): SessionPeriod[] {
    if (tf.kind === 'session') return [extended ? { start: s.preOpen, end: s.postClose, session: s } : { start: s.open, end: s.close, session: s }];
    const len = tf.minutes * 60_000;
    const out: SessionPeriod[] = [];
    for (const seg of this.segments(s, extended)) for (let t = seg.start; t < seg.end; t += len) out.push({ start: t, end: Math.min(t + len, seg.end), session: s });
    return out;
  }

  /**
   * The same exchange with the broker's list of trading and non-trading dates taking precedence
   * over the shipped rules. Within `range` (YYYY-MM-DD, `to` excluded: the dates asked for) a date
   * the broker does not list as trading is closed; outside it the rules apply. The broker lists no
   * hours, so a trading date keeps the rules' hours (an early close stays early); a date the rules
   * close and the broker trades gets full hours.
   */
  withTradingDays(days: ReadonlyArray<{ date: string; trading: boolean }>, range?: { from: string; to: string }): ExchangeCalendar {
    const listed = new Map(days.map((d) => [d.date, d.trading]));
    return new ExchangeCalendar(this.market, this.zone, this.hours, (date) => {
      const own = this.dayKind(date);
      const inRange = range !== undefined && date >= range.from && date < range.to;
      const t = listed.get(date) ?? (inRange ? false : undefined);
      if (t === undefined) return own;
      if (!t) return 'closed';
      return own === 'closed' ? 'full' : own;
    });
  }

  private build(date: string): TradingSession | undefined {
    const kind = this.dayKind(date);
    if (kind === 'closed') return undefined;
    const at = this.wallClock(date);
    const segments = (kind === 'short' ? this.hours.short : this.hours.full).map(([a, b]) => ({ start: at(a), end: at(b) }));
    const open = segments[0]!.start;
    const close = segments[segments.length - 1]!.end;
    return {
      market: this.market, date, open, close, segments, short: kind === 'short',
      preOpen: Math.min(open, at(this.hours.preOpen)), postClose: Math.max(close, at(kind === 'short' ? this.hours.shortPostClose : this.hours.postClose)),
    };
  }
}

/** Day of week of a YYYY-MM-DD date: 1 = Monday ... 7 = Sunday. */
export function weekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}
