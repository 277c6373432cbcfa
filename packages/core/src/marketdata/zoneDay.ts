import { DateTime, type IANAZone } from 'luxon';

const HOUR = 3_600_000;

/** A calendar date in the exchange zone: its midnight as if UTC, and the offset in force all day. */
export interface ZoneDay {
  wallMidnight: number;
  /** Undefined on a day the zone's offset changes (then each time goes through luxon). */
  offsetMs: number | undefined;
}

const WEEK = 7 * 24 * HOUR;

/**
 * A zone's UTC offsets, learned lazily and shared by every parser of that zone in the process (an
 * Intl lookup costs microseconds; daily files have a new date on every row). Offsets are sampled on
 * a weekly grid; where two neighbours differ, the change instant is found by bisection to the
 * second. That relies on no zone changing its offset twice within a week (SessionDay in matching
 * relies on it too); the tests check every day of 1970-2037 in zones with unusual rules.
 */
export class ZoneOffsets {
  private static readonly byZone = new Map<string, ZoneOffsets>();
  /** Week index -> offset in minutes at its start. */
  private readonly grid = new Map<number, number>();
  /** Week index -> first instant (ms) of the new offset, for weeks whose ends differ. */
  private readonly changes = new Map<number, number>();

  private constructor(private readonly tz: IANAZone) {}

  static of(tz: IANAZone): ZoneOffsets {
    let z = ZoneOffsets.byZone.get(tz.name);
    if (!z) ZoneOffsets.byZone.set(tz.name, (z = new ZoneOffsets(tz)));
    return z;
  }

  /** The offset in ms in force throughout [from, to], or undefined when it changes inside. */
  constantOver(from: number, to: number): number | undefined {
    for (let k = Math.floor(from / WEEK); k <= Math.floor(to / WEEK); k++) {
      const change = this.change(k);
      if (change !== undefined && change > from && change <= to) return undefined;
    }
    return this.offsetAt(from) * 60_000;
  }

  private offsetAt(ms: number): number {
    const k = Math.floor(ms / WEEK);
    const change = this.change(k);
    return change !== undefined && ms >= change ? this.at(k + 1) : this.at(k);
  }

  private change(k: number): number | undefined {
    const before = this.at(k);
    if (before === this.at(k + 1)) return undefined;
    let t = this.changes.get(k);
    if (t === undefined) {
      let lo = k * WEEK;
      let hi = (k + 1) * WEEK;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (this.tz.offset(mid) === before) lo = mid;
        else hi = mid;
      }
      this.changes.set(k, (t = hi));
    }
    return t;
  }

  private at(k: number): number {
    let minutes = this.grid.get(k);
    if (minutes === undefined) this.grid.set(k, (minutes = this.tz.offset(k * WEEK)));
    return minutes;
  }
}

/**
 * Reads a YYYY-MM-DD date, or undefined when it is not a calendar date. The day's instants lie
 * within 14 h either side of its wall-clock span (the widest real offsets).
 */
export function zoneDay(offsets: ZoneOffsets, date: string): ZoneDay | undefined {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  const wallMidnight = Date.UTC(y, m - 1, d);
  return { wallMidnight, offsetMs: offsets.constantOver(wallMidnight - 14 * HOUR, wallMidnight + 38 * HOUR) };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A wall-clock time on a day the offset changes: luxon resolves gaps and overlaps. */
export function onChangeDay(date: string, wallMs: number, zone: string): number {
  const s = wallMs / 1000;
  return DateTime.fromISO(date, { zone })
    .set({ hour: Math.floor(s / 3600), minute: Math.floor(s / 60) % 60, second: s % 60 })
    .toMillis();
}
