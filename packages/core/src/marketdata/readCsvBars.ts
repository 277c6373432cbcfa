import { closeSync, openSync, readSync } from 'node:fs';
import type { Bar } from '../api/models.ts';
import { CsvBarRows, CsvFormatError, type CsvBarsOptions } from './csvBars.ts';

/**
 * The lines of a file, read a chunk at a time into one buffer and handed out as byte ranges
 * (`buf[start, end)`, line end and a final `\r` excluded), never as strings: a file of millions of
 * rows makes no garbage here. A line longer than the buffer grows it.
 */
class CsvLines {
  buf: Buffer;
  start = 0;
  end = 0;
  /** 1-based number of the current line. */
  line = 0;
  private length = 0;
  private next = 0;
  private eof = false;

  constructor(private readonly fd: number, chunkBytes: number, private readonly onBytes?: (chunk: Buffer) => void) {
    this.buf = Buffer.allocUnsafe(Math.max(1, chunkBytes));
  }

  /** Moves to the next line; false at the end of the file. */
  advance(): boolean {
    for (;;) {
      // Past `length` the buffer holds stale bytes: a newline found there is not one.
      let nl = this.next < this.length ? this.buf.indexOf(10, this.next) : -1;
      if (nl >= this.length) nl = -1;
      if (nl < 0 && !this.eof) {
        this.refill();
        continue;
      }
      if (nl < 0) {
        if (this.next >= this.length) return false;
        nl = this.length;
      }
      this.start = this.next;
      this.end = nl > this.start && this.buf[nl - 1] === 13 ? nl - 1 : nl;
      this.next = nl + 1;
      this.line++;
      return true;
    }
  }

  /** The current line as text (the header, error messages). */
  text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }

  /** Keeps the unfinished line at the front of the buffer and reads after it. */
  private refill(): void {
    const rest = this.length - this.next;
    if (rest === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.next, this.length);
      this.buf = bigger;
    } else if (rest > 0) this.buf.copy(this.buf, 0, this.next, this.length);
    const n = readSync(this.fd, this.buf, rest, this.buf.length - rest, null);
    if (n > 0) this.onBytes?.(this.buf.subarray(rest, rest + n));
    else this.eof = true;
    this.length = rest + n;
    this.next = 0;
  }
}

/**
 * Streams the bars of a CSV file (formats as parseCsvBars) without holding the file: 64 KiB is read
 * at a time and each row becomes a bar, read from its bytes (CsvBarRows.rowBytes), as it is
 * consumed, so a backtest's memory does not grow with its data. Rows must already be in time order
 * (a stream cannot sort); an out-of-order row is an error naming its line. `onBytes` sees every
 * chunk read, e.g. to hash the file on the way; `chunkBytes` (default 64 KiB, about what each open
 * file holds) is how much is read at a time.
 *
 * @example
 * ```ts
 * for (const bar of readCsvBars('nvda-1999-2014.csv', { symbol: 'NVDA' })) console.log(bar.time, bar.close);
 * ```
 */
export function* readCsvBars(path: string, opts: CsvBarsOptions & { chunkBytes?: number; onBytes?: (chunk: Buffer) => void }): Generator<Bar> {
  const source = opts.source ?? path;
  const fd = openSync(path, 'r');
  try {
    const lines = new CsvLines(fd, opts.chunkBytes ?? 1 << 16, opts.onBytes);
    if (!lines.advance()) return;
    const rows = new CsvBarRows(lines.text(), { ...opts, source });
    let last = -Infinity;
    let lastLn = 0;
    while (lines.advance()) {
      const bar = rows.rowBytes(lines.buf, lines.start, lines.end, lines.line);
      if (!bar) continue;
      if (bar.time < last) throw new CsvFormatError(source, lines.line, 'Date', `rows in time order to stream the file (this row is before line ${lastLn}'s)`, lines.text().split(',').slice(0, 2).join(','));
      last = bar.time;
      lastLn = lines.line;
      yield bar;
    }
  } finally {
    closeSync(fd);
  }
}

/** What csvTimeSpan finds in a file: whether its rows are in strictly rising time order, and its first and last row's date and time. */
export interface CsvTimeSpan {
  ordered: boolean;
  /** `date time` (or `date`) of the first and last data row, as written; undefined without rows. */
  first?: string;
  last?: string;
}

/**
 * Reads the date (and time) fields of every row of a CSV file, bytes only, and says whether they
 * rise strictly from row to row as written (`YYYY-MM-DD` and `HH:MM[:SS]` sort as text). Cheap
 * enough to run before a backtest to decide that its files can be streamed; the parse that
 * follows still checks every row. Blank lines are skipped; a file that cannot be read throws.
 *
 * @example
 * ```ts
 * csvTimeSpan('nvda-1999-2014.csv'); // { ordered: true, first: '1999-01-22', last: '2014-12-31' }
 * ```
 */
export function csvTimeSpan(path: string): CsvTimeSpan {
  const fd = openSync(path, 'r');
  try {
    const lines = new CsvLines(fd, 1 << 16);
    if (!lines.advance()) return { ordered: true };
    const { date, time } = new CsvBarRows(lines.text(), { symbol: '', source: path }).timeColumns;
    // Two key buffers, swapped row by row: no allocation per row.
    let key = Buffer.alloc(64);
    let prev = Buffer.alloc(64);
    let prevLength = -1;
    let first: string | undefined;
    while (lines.advance()) {
      let n = timeKey(lines.buf, lines.start, lines.end, date, time, key);
      if (n < 0) {
        // A blank line carries no time; any other row without the columns is the parse's error to name.
        if (lines.text().trim() === '') continue;
        return { ordered: false };
      }
      if (n > key.length) {
        key = Buffer.alloc(2 * n);
        prev = Buffer.concat([prev, Buffer.alloc(2 * n - prev.length)]);
        n = timeKey(lines.buf, lines.start, lines.end, date, time, key);
      }
      if (prevLength < 0) first = key.toString('utf8', 0, n);
      else if (compareBytes(prev, prevLength, key, n) >= 0) return { ordered: false };
      [key, prev] = [prev, key];
      prevLength = n;
    }
    return { ordered: true, first, last: prevLength < 0 ? undefined : prev.toString('utf8', 0, prevLength) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `date` or `date time` of the row in `buf[start, end)` into `out` and returns its length
 * (more than out.length: nothing usable written, call again with a larger `out`), or -1 when the
 * row lacks the columns.
 */
function timeKey(buf: Buffer, start: number, end: number, date: number, time: number, out: Buffer): number {
  const d0 = fieldAt(buf, start, end, date);
  if (d0 < 0) return -1;
  // Blanks around a field are not part of it (the parse trims them too): ' 09:31' must not sort before '09:30'.
  const [d, dEnd] = trimmed(buf, d0, fieldEnd(buf, d0, end));
  if (time < 0) {
    if (dEnd - d <= out.length) copyBytes(buf, d, dEnd, out, 0);
    return dEnd - d;
  }
  const t0 = fieldAt(buf, start, end, time);
  if (t0 < 0) return -1;
  const [t, tEnd] = trimmed(buf, t0, fieldEnd(buf, t0, end));
  const n = dEnd - d + 1 + tEnd - t;
  if (n <= out.length) {
    copyBytes(buf, d, dEnd, out, 0);
    out[dEnd - d] = 32;
    copyBytes(buf, t, tEnd, out, dEnd - d + 1);
  }
  return n;
}

// A key is a few bytes: a loop beats Buffer.copy and Buffer.compare, which cross into C++ on
// every row (a third of the time of checking a million-row file).
function copyBytes(from: Buffer, start: number, end: number, to: Buffer, at: number): void {
  for (let i = start; i < end; i++) to[at++] = from[i]!;
}

/** Byte order of `a[0, aLength)` against `b[0, bLength)`, as Buffer.compare. */
function compareBytes(a: Buffer, aLength: number, b: Buffer, bLength: number): number {
  const n = Math.min(aLength, bLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return aLength - bLength;
}

/** `[from, to)` without the blanks (space, tab, CR, LF) at either end. */
function trimmed(buf: Buffer, from: number, to: number): [number, number] {
  const blank = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;
  while (from < to && blank(buf[from]!)) from++;
  while (to > from && blank(buf[to - 1]!)) to--;
  return [from, to];
}

/** Where field `index` (0-based, comma-separated) of `buf[start, end)` starts, or -1 when the row has fewer fields. */
function fieldAt(buf: Buffer, start: number, end: number, index: number): number {
  let i = start;
  for (let f = 0; f < index; f++) {
    const comma = buf.indexOf(44, i);
    if (comma < 0 || comma >= end) return -1;
    i = comma + 1;
  }
  return i;
}

function fieldEnd(buf: Buffer, from: number, end: number): number {
  const comma = buf.indexOf(44, from);
  return comma < 0 || comma >= end ? end : comma;
}
