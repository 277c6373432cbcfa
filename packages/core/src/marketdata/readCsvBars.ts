import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Bar } from '../api/models.ts';
import { CsvBarRows, CsvFormatError, type CsvBarsOptions } from './csvBars.ts';

/**
 * Streams the bars of a CSV file (formats as parseCsvBars) without holding the file: 64 KiB is read
 * at a time and each row becomes a bar as it is consumed, so a backtest's memory does not grow with
 * its data. Rows must already be in time order (a stream cannot sort); an out-of-order row is an
 * error naming its line. `onBytes` sees every chunk read, e.g. to hash the file on the way;
 * `chunkBytes` (default 64 KiB; each open file holds about 3x that) is how much is read at a time.
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
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(opts.chunkBytes ?? 1 << 16);
    let rows: CsvBarRows | undefined;
    let carry = '';
    let ln = 0;
    let last = -Infinity;
    let lastLn = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n > 0) opts.onBytes?.(buf.subarray(0, n));
      const text = n > 0 ? carry + decoder.write(buf.subarray(0, n)) : carry + decoder.end();
      const lines = text.split('\n');
      // The last piece may be a partial line: keep it for the next chunk (all of it at the end).
      carry = n > 0 ? lines.pop()! : '';
      for (const raw of lines) {
        ln++;
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (!rows) {
          rows = new CsvBarRows(line, { ...opts, source });
          continue;
        }
        const bar = rows.row(line, ln);
        if (!bar) continue;
        if (bar.time < last) throw new CsvFormatError(source, ln, 'Date', `rows in time order to stream the file (this row is before line ${lastLn}'s)`, line.split(',').slice(0, 2).join(','));
        last = bar.time;
        lastLn = ln;
        yield bar;
      }
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}
