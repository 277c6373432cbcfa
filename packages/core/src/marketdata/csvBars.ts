import { ZoneOffsets } from '@pounce/calendar';
import { IANAZone } from 'luxon';
import type { Bar } from '../api/models.ts';
import { onChangeDay, zoneDay, type ZoneDay } from './zoneDay.ts';

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
  /** rowBytes' own cache of the last date (its bytes and day), apart from row()'s. */
  private readonly byteDate = new Uint8Array(10);
  private byteDateText = '';
  private byteDay: ZoneDay | undefined;
  /** rowBytes: start and end of each field up to the last column read, reused for every row. */
  private readonly cuts: Int32Array;
  /** The date and time columns (time -1 when the file has none): what orders the rows. */
  readonly timeColumns: { date: number; time: number };

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
    this.cuts = new Int32Array(2 * (Math.max(this.iDate, this.iTime, this.iOpen, this.iHigh, this.iLow, this.iClose, this.iVol) + 1));
    this.timeColumns = { date: this.iDate, time: this.iTime };
  }

  /**
   * The bar of the row in `buf[start, end)` (no line end), as row() gives for its text, without
   * making a string per row or per field (a streamed file of millions of rows made that much
   * garbage). Plain rows are read from the bytes; any other (blanks, quotes, exponents, more than 15
   * digits, a bad field) goes through row(), which gives the same bar or names line and field.
   */
  rowBytes(buf: Buffer, start: number, end: number, ln: number): Bar | undefined {
    return this.plainRow(buf, start, end) ?? this.row(buf.toString('utf8', start, end), ln);
  }

  /** The bar of a plain row read from its bytes, or undefined to leave the row to row(). */
  private plainRow(buf: Buffer, start: number, end: number): Bar | undefined {
    const cuts = this.cuts;
    const need = cuts.length >> 1;
    let field = 0;
    cuts[0] = start;
    for (let i = start; i < end && field < need; i++) {
      if (buf[i] === 44) {
        cuts[2 * field + 1] = i;
        if (++field < need) cuts[2 * field] = i + 1;
      }
    }
    if (field < need) {
      if (field < need - 1) return undefined;
      cuts[2 * field + 1] = end;
    }
    const d0 = cuts[2 * this.iDate]!;
    if (cuts[2 * this.iDate + 1]! - d0 !== 10) return undefined;
    const bd = this.byteDate;
    let same = this.byteDay !== undefined;
    for (let k = 0; k < 10 && same; k++) same = buf[d0 + k] === bd[k];
    if (!same) {
      for (let k = 0; k < 10; k++) {
        const c = buf[d0 + k]!;
        if (k === 4 || k === 7 ? c !== 45 : c < 48 || c > 57) return undefined;
      }
      const date = buf.toString('latin1', d0, d0 + 10);
      const day = zoneDay(this.offsets, date);
      if (!day) return undefined;
      for (let k = 0; k < 10; k++) bd[k] = buf[d0 + k]!;
      this.byteDateText = date;
      this.byteDay = day;
    }
    let wall = this.wallOpen;
    if (this.iTime >= 0) {
      const t0 = cuts[2 * this.iTime]!;
      const n = cuts[2 * this.iTime + 1]! - t0;
      if ((n !== 5 && n !== 8) || buf[t0 + 2] !== 58 || (n === 8 && buf[t0 + 5] !== 58)) return undefined;
      const h = twoDigits(buf, t0);
      const mi = twoDigits(buf, t0 + 3);
      const sec = n === 8 ? twoDigits(buf, t0 + 6) : 0;
      if (!(h <= 23 && mi <= 59 && sec <= 59)) return undefined;
      wall = ((h * 60 + mi) * 60 + sec) * 1000;
    }
    const day = this.byteDay!;
    const time = day.offsetMs !== undefined ? day.wallMidnight + wall - day.offsetMs : onChangeDay(this.byteDateText, wall, this.zone);
    const open = plainNumber(buf, cuts[2 * this.iOpen]!, cuts[2 * this.iOpen + 1]!);
    const high = plainNumber(buf, cuts[2 * this.iHigh]!, cuts[2 * this.iHigh + 1]!);
    const low = plainNumber(buf, cuts[2 * this.iLow]!, cuts[2 * this.iLow + 1]!);
    const close = plainNumber(buf, cuts[2 * this.iClose]!, cuts[2 * this.iClose + 1]!);
    const volume = plainNumber(buf, cuts[2 * this.iVol]!, cuts[2 * this.iVol + 1]!);
    // NaN (not plain) fails every comparison; high < low is row()'s error to name.
    if (!(high >= low) || open !== open || close !== close || volume !== volume) return undefined;
    return { symbol: this.opts.symbol, time, open, high, low, close, volume };
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

/** Two ASCII digits at `i` as a number, or NaN. */
function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/** 10^0 .. 10^22: every one exactly a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * A plain decimal `-?digits[.digits]` of at most 15 digits in `buf[start, end)`, or NaN for
 * anything else. Exactly Number()'s value: the digits form an integer below 2^53 and 10^k (k <= 22)
 * is a double, so the one division is correctly rounded, as Number()'s parse is.
 */
function plainNumber(buf: Buffer, start: number, end: number): number {
  let i = start;
  const negative = buf[i] === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0 && digits > 0) point = digits;
    else return NaN;
  }
  if (digits === 0 || digits > 15 || point === digits) return NaN;
  const v = point < 0 ? m : m / POW10[digits - point]!;
  return negative ? -v : v;
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
