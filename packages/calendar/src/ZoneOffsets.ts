import type { IANAZone } from 'luxon';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/**
 * A zone's UTC offsets, learned lazily and shared by every user of that zone in the process (an
 * Intl lookup costs microseconds; daily files have a new date on every row, a daily replay a new
 * day on every step). Offsets are sampled on a weekly grid; where two neighbours differ, the
 * change instant is found by bisection to the second. That relies on no zone changing its offset
 * twice within a week; the tests check every day of 1970-2037 in zones with unusual rules.
 *
 * @example
 * ```ts
 * const ny = ZoneOffsets.of(IANAZone.create('America/New_York'));
 * ny.offsetMs(Date.UTC(2024, 6, 1)); // -14_400_000 (EDT)
 * ny.constantOver(Date.UTC(2024, 2, 9), Date.UTC(2024, 2, 11)); // undefined: clocks go forward on 2024-03-10
 * ```
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

  /** The offset in ms in force at `ms`. */
  offsetMs(ms: number): number {
    return this.offsetAt(ms) * 60_000;
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
