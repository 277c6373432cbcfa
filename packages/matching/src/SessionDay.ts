import { ZoneOffsets } from '@pounce/calendar';
import { IANAZone } from 'luxon';

const DAY = 86_400_000;

/**
 * Maps epoch ms to the exchange session day (days since 1970-01-01 in the zone's local time),
 * for DAY-order expiry. The zone's offset comes from its learned offsets (ZoneOffsets, exact to the
 * second) and is kept while it holds for the next day: this runs per replay step.
 */
export class SessionDay {
  private readonly offsets: ZoneOffsets;
  private from = 1;
  private to = 0;
  private offsetMs = 0;

  constructor(readonly zone = 'America/New_York') {
    const tz = IANAZone.create(zone);
    if (!tz.isValid) throw new Error(`session zone: "${zone}" is not an IANA time zone`);
    this.offsets = ZoneOffsets.of(tz);
  }

  of(ms: number): number {
    if (ms < this.from || ms >= this.to) this.locate(ms);
    return Math.floor((ms + this.offsetMs) / DAY);
  }

  private locate(ms: number): void {
    this.offsetMs = this.offsets.offsetMs(ms);
    this.from = ms;
    // Near a clock change nothing is kept: the next instant is asked again.
    this.to = this.offsets.constantOver(ms, ms + DAY) === this.offsetMs ? ms + DAY : ms + 1;
  }
}
