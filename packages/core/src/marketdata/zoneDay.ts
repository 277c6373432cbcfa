import { DateTime } from 'luxon';
import type { ZoneOffsets } from '@pounce/calendar';

const HOUR = 3_600_000;

/** A calendar date in the exchange zone: its midnight as if UTC, and the offset in force all day. */
export interface ZoneDay {
  readonly wallMidnight: number;
  /** Undefined on a day the zone's offset changes (then each time goes through luxon). */
  readonly offsetMs: number | undefined;
}

/**
 * Reads a YYYY-MM-DD date, or undefined when it is not a calendar date. The day's instants lie
 * within 14 h either side of its wall-clock span (the widest real offsets).
 */
export function zoneDay(offsets: ZoneOffsets, date: string): ZoneDay | undefined {
  let known = daysOf.get(offsets);
  if (!known) daysOf.set(offsets, (known = new Map()));
  let day = known.get(date);
  if (day === undefined && !known.has(date)) {
    // Bounded: a process reading centuries of dates does not keep them all.
    if (known.size >= DAYS_KEPT) known.clear();
    known.set(date, (day = dayOf(offsets, date)));
  }
  return day;
}

/**
 * Dates already read, per zone: a daily file has a new date on every row, and a backtest over many
 * daily files of one market reads the same dates from each.
 */
const daysOf = new WeakMap<ZoneOffsets, Map<string, ZoneDay | undefined>>();
const DAYS_KEPT = 100_000;

function dayOf(offsets: ZoneOffsets, date: string): ZoneDay | undefined {
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
