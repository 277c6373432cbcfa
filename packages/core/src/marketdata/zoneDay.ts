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
 * A zone's UTC offsets sampled on a weekly grid of instants, each looked up once (an Intl call
 * costs microseconds; daily files have a new date on every row). Equal offsets at consecutive
 * grid points mean none in between: no zone changes its offset twice within a week (SessionDay in
 * matching relies on the same fact).
 */
export class ZoneOffsets {
  private readonly grid = new Map<number, number>();

  constructor(private readonly tz: IANAZone) {}

  /** The offset in ms in force throughout [from, to], or undefined when it may change inside. */
  constantOver(from: number, to: number): number | undefined {
    const first = Math.floor(from / WEEK);
    const last = Math.ceil(to / WEEK);
    const offset = this.at(first);
    for (let k = first + 1; k <= last; k++) if (this.at(k) !== offset) return undefined;
    return offset * 60_000;
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
  const wallMidnight = Date.UTC(y, m - 1, d);
  const check = new Date(wallMidnight);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
  return { wallMidnight, offsetMs: offsets.constantOver(wallMidnight - 14 * HOUR, wallMidnight + 38 * HOUR) };
}

/** A wall-clock time on a day the offset changes: luxon resolves gaps and overlaps. */
export function onChangeDay(date: string, wallMs: number, zone: string): number {
  const s = wallMs / 1000;
  return DateTime.fromISO(date, { zone })
    .set({ hour: Math.floor(s / 3600), minute: Math.floor(s / 60) % 60, second: s % 60 })
    .toMillis();
}
