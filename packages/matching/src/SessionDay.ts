import { IANAZone } from 'luxon';

const DAY = 86_400_000;
/** Offsets are probed this far apart; no real zone changes its offset twice within a week. */
const WINDOW = 7 * DAY;

/**
 * Maps epoch ms to the exchange session day (days since 1970-01-01 in the zone's local time),
 * for DAY-order expiry. The zone's UTC offset is looked up once per week-long window in which it
 * is constant (luxon's Intl lookup costs microseconds; this runs per replay step).
 */
export class SessionDay {
  private readonly tz: IANAZone;
  private from = 1;
  private to = 0;
  private offsetMs = 0;

  constructor(readonly zone = 'America/New_York') {
    this.tz = IANAZone.create(zone);
    if (!this.tz.isValid) throw new Error(`session zone: "${zone}" is not an IANA time zone`);
  }

  of(ms: number): number {
    if (ms < this.from || ms >= this.to) this.locate(ms);
    return Math.floor((ms + this.offsetMs) / DAY);
  }

  private locate(ms: number): void {
    const here = this.tz.offset(ms);
    const later = this.tz.offset(ms + WINDOW);
    this.offsetMs = here * 60_000;
    this.from = ms;
    // A change inside the window: trust this offset only for the next hour and probe again.
    this.to = here === later ? ms + WINDOW : ms + 3_600_000;
  }
}
