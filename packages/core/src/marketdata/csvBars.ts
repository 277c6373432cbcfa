import { DateTime, IANAZone } from 'luxon';
import type { Bar } from '../api/models.ts';

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  constructor(readonly source: string, readonly line: number, readonly column: string, expected: string, got: string) {
    super(`${source}:${line}: column ${column}: expected ${expected}, got "${got.slice(0, 40)}"`);
  }
}

const HOUR = 3_600_000;

/** A calendar date in the exchange zone: its midnight as if UTC, and the offset in force all day. */
interface ZoneDay {
  wallMidnight: number;
  /** Undefined on a day the zone's offset changes (then each time goes through luxon). */
  offsetMs: number | undefined;
}

/**
 * Reads a YYYY-MM-DD date, or undefined when it is not a calendar date. The offset is probed 14 h
 * either side of the day (the widest real offsets): equal ends mean no change within, because no
 * zone changes its offset twice in two days. Two Intl lookups per date instead of five per row.
 */
function zoneDay(tz: IANAZone, date: string): ZoneDay | undefined {
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

export interface CsvBarsOptions {
  symbol: string;
  /** Name used in error messages (usually the file path). */
  source?: string;
  /** Exchange time zone the timestamps are written in. */
  zone?: string;
  /** Daily bars have no time column; they are stamped at the session open. */
  sessionOpen?: string;
}

/**
 * Parses OHLCV CSV in the formats of shared/data: daily `Date,Open,High,Low,Close[,Adj Close],Volume`
 * and intraday `Date,Time,Open,High,Low,Close,Volume[,OpenInterest]`. Bars come back sorted by time
 * with `time` = bar start in epoch ms; bad rows are errors naming line and column.
 *
 * @example
 * ```ts
 * const bars = parseCsvBars(readFileSync('nvda.csv', 'utf8'), { symbol: 'NVDA' });
 * ```
 */
export function parseCsvBars(text: string, opts: CsvBarsOptions): Bar[] {
  const source = opts.source ?? opts.symbol;
  const zone = opts.zone ?? 'America/New_York';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string, required = true): number => {
    const i = header.indexOf(name);
    if (i < 0 && required) throw new CsvFormatError(source, 1, name, `a "${name}" column in the header`, lines[0] ?? '');
    return i;
  };
  const iDate = col('date');
  const iTime = col('time', false);
  const iOpen = col('open');
  const iHigh = col('high');
  const iLow = col('low');
  const iClose = col('close');
  const iVol = col('volume');
  const [oh, om] = (opts.sessionOpen ?? '09:30').split(':').map(Number);
  const tz = IANAZone.create(zone);
  if (!tz.isValid) throw new Error(`zone: expected an IANA time zone, got "${zone}"`);
  const wallOpen = ((oh ?? 9) * 60 + (om ?? 30)) * 60_000;
  const bars: Bar[] = [];
  const days = new Map<string, ZoneDay>();
  for (let ln = 1; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (line.trim() === '') continue;
    const f = line.split(',');
    const num = (i: number, name: string): number => {
      const s = (f[i] ?? '').trim();
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw new CsvFormatError(source, ln + 1, name, 'a number', s);
      return v;
    };
    const date = (f[iDate] ?? '').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new CsvFormatError(source, ln + 1, 'Date', 'YYYY-MM-DD', date);
    let day = days.get(date);
    if (day === undefined) {
      day = zoneDay(tz, date);
      if (!day) throw new CsvFormatError(source, ln + 1, 'Date', 'a calendar date', date);
      days.set(date, day);
    }
    let wall = wallOpen;
    if (iTime >= 0) {
      const t = (f[iTime] ?? '').trim();
      const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
      const h = Number(m?.[1]);
      const mi = Number(m?.[2]);
      const sec = Number(m?.[3] ?? 0);
      if (!m || h > 23 || mi > 59 || sec > 59) throw new CsvFormatError(source, ln + 1, 'Time', 'HH:MM[:SS] within a day', t);
      wall = ((h * 60 + mi) * 60 + sec) * 1000;
    }
    const time = day.offsetMs !== undefined ? day.wallMidnight + wall - day.offsetMs : onChangeDay(date, wall, zone);
    const bar: Bar = { symbol: opts.symbol, time, open: num(iOpen, 'Open'), high: num(iHigh, 'High'), low: num(iLow, 'Low'), close: num(iClose, 'Close'), volume: num(iVol, 'Volume') };
    if (bar.high < bar.low) throw new CsvFormatError(source, ln + 1, 'High', `a value >= Low (${bar.low})`, String(bar.high));
    bars.push(bar);
  }
  bars.sort((a, b) => a.time - b.time);
  return bars;
}

/** A wall-clock time on a day the offset changes: luxon resolves gaps and overlaps. */
function onChangeDay(date: string, wallMs: number, zone: string): number {
  const s = wallMs / 1000;
  return DateTime.fromISO(date, { zone })
    .set({ hour: Math.floor(s / 3600), minute: Math.floor(s / 60) % 60, second: s % 60 })
    .toMillis();
}
