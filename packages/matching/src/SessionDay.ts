import { DateTime } from 'luxon';

/**
 * Maps epoch ms to the exchange session day as yyyymmdd, caching the current day's bounds so the
 * hot path does one comparison per bar instead of a time-zone conversion.
 */
export class SessionDay {
  private start = 1;
  private end = 0;
  private day = 0;

  constructor(readonly zone = 'America/New_York') {}

  of(ms: number): number {
    if (ms >= this.start && ms < this.end) return this.day;
    const d = DateTime.fromMillis(ms, { zone: this.zone }).startOf('day');
    this.start = d.toMillis();
    this.end = d.plus({ days: 1 }).toMillis();
    this.day = d.year * 10000 + d.month * 100 + d.day;
    return this.day;
  }
}
