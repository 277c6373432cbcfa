import { IANAZone } from 'luxon';
import type { Bar } from '../api/models.ts';
import { onChangeDay, zoneDay, ZoneOffsets, type ZoneDay } from './zoneDay.ts';

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  constructor(readonly source: string, readonly line: number, readonly column: string, expected: string, got: string) {
    super(`${source}:${line}: column ${column}: expected ${expected}, got "${got.slice(0, 40)}"`);
  }
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
 * Turns the rows of one OHLCV CSV into bars, one line at a time: the header fixes the columns,
 * each row is checked and stamped (see parseCsvBars for the formats). Used whole-file and streamed.
 *
 * @example
 * ```ts
 * const rows = new CsvBarRows('Date,Open,High,Low,Close,Volume', { symbol: 'NVDA' });
 * rows.row('2024-01-02,49.2,49.3,47.6,48.2,411254000', 2); // { symbol: 'NVDA', time: 1704205800000, ... }
 * ```
 */
export class CsvBarRows {
  private readonly source: string;
  private readonly zone: string;
  private readonly offsets: ZoneOffsets;
  private readonly iDate: number;
  private readonly iTime: number;
  private readonly iOpen: number;
  private readonly iHigh: number;
  private readonly iLow: number;
  private readonly iClose: number;
  private readonly iVol: number;
  private readonly wallOpen: number;
  /** The last row's date: intraday files repeat it on every row of the day. */
  private lastDate = '';
  private lastDay: ZoneDay | undefined;

  constructor(headerLine: string, private readonly opts: CsvBarsOptions) {
    this.source = opts.source ?? opts.symbol;
    this.zone = opts.zone ?? 'America/New_York';
    const header = headerLine.replace(/^\uFEFF/, '').split(',').map((h) => h.trim().toLowerCase());
    const col = (name: string, required = true): number => {
      const i = header.indexOf(name);
      if (i < 0 && required) throw new CsvFormatError(this.source, 1, name, `a "${name}" column in the header`, headerLine);
      return i;
    };
    this.iDate = col('date');
    this.iTime = col('time', false);
    this.iOpen = col('open');
    this.iHigh = col('high');
    this.iLow = col('low');
    this.iClose = col('close');
    this.iVol = col('volume');
    const [oh, om] = (opts.sessionOpen ?? '09:30').split(':').map(Number);
    const tz = IANAZone.create(this.zone);
    if (!tz.isValid) throw new Error(`zone: expected an IANA time zone, got "${this.zone}"`);
    this.offsets = ZoneOffsets.of(tz);
    this.wallOpen = ((oh ?? 9) * 60 + (om ?? 30)) * 60_000;
  }

  /** The bar of one data row (`ln` is its 1-based line number), or undefined for a blank line. */
  row(line: string, ln: number): Bar | undefined {
    if (line.trim() === '') return undefined;
    const { source } = this;
    const f = line.split(',');
    const date = (f[this.iDate] ?? '').trim();
    let day = this.lastDay;
    if (date !== this.lastDate || day === undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new CsvFormatError(source, ln, 'Date', 'YYYY-MM-DD', date);
      day = zoneDay(this.offsets, date);
      if (!day) throw new CsvFormatError(source, ln, 'Date', 'a calendar date', date);
      this.lastDate = date;
      this.lastDay = day;
    }
    let wall = this.wallOpen;
    if (this.iTime >= 0) {
      const t = (f[this.iTime] ?? '').trim();
      const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
      const h = Number(m?.[1]);
      const mi = Number(m?.[2]);
      const sec = Number(m?.[3] ?? 0);
      if (!m || h > 23 || mi > 59 || sec > 59) throw new CsvFormatError(source, ln, 'Time', 'HH:MM[:SS] within a day', t);
      wall = ((h * 60 + mi) * 60 + sec) * 1000;
    }
    const time = day.offsetMs !== undefined ? day.wallMidnight + wall - day.offsetMs : onChangeDay(date, wall, this.zone);
    const bar: Bar = {
      symbol: this.opts.symbol, time, open: this.num(f, this.iOpen, 'Open', ln), high: this.num(f, this.iHigh, 'High', ln), low: this.num(f, this.iLow, 'Low', ln),
      close: this.num(f, this.iClose, 'Close', ln), volume: this.num(f, this.iVol, 'Volume', ln),
    };
    if (bar.high < bar.low) throw new CsvFormatError(source, ln, 'High', `a value >= Low (${bar.low})`, String(bar.high));
    return bar;
  }

  // A method, not a closure made per row: this runs millions of times on a large file.
  // Number() skips surrounding blanks itself; only a 0 can hide a blank field.
  private num(fields: readonly string[], i: number, name: string, ln: number): number {
    const s = fields[i] ?? '';
    const v = Number(s);
    if (!Number.isFinite(v) || (v === 0 && s.trim() === '')) throw new CsvFormatError(this.source, ln, name, 'a number', s.trim());
    return v;
  }
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
  const lines = text.split(/\r?\n/);
  const rows = new CsvBarRows(lines[0] ?? '', opts);
  const bars: Bar[] = [];
  for (let ln = 1; ln < lines.length; ln++) {
    const bar = rows.row(lines[ln]!, ln + 1);
    if (bar) bars.push(bar);
  }
  bars.sort((a, b) => a.time - b.time);
  return bars;
}
