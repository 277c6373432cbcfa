import { DateTime, type IANAZone } from 'luxon';

const HOUR = 3_600_000;

/** A calendar date in the exchange zone: its midnight as if UTC, and the offset in force all day. */
export interface ZoneDay {
  wallMidnight: number;
  /** Undefined on a day the zone's offset changes (then each time goes through luxon). */
  offsetMs: number | undefined;
}

/**
 * Reads a YYYY-MM-DD date, or undefined when it is not a calendar date. The offset is probed 14 h
 * either side of the day (the widest real offsets): equal ends mean no change within, because no
 * zone changes its offset twice in two days. Two Intl lookups per date instead of five per row.
 */
export function zoneDay(tz: IANAZone, date: string): ZoneDay | undefined {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const wallMidnight = Date.UTC(y, m - 1, d);
  const check = new Date(wallMidnight);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  const before = tz.offset(wallMidnight - 14 * HOUR);
  const after = tz.offset(wallMidnight + 38 * HOUR);
  return { wallMidnight, offsetMs: before === after ? before * 60_000 : undefined };
}

/** A wall-clock time on a day the offset changes: luxon resolves gaps and overlaps. */
export function onChangeDay(date: string, wallMs: number, zone: string): number {
  const s = wallMs / 1000;
  return DateTime.fromISO(date, { zone })
    .set({ hour: Math.floor(s / 3600), minute: Math.floor(s / 60) % 60, second: s % 60 })
    .toMillis();
}
