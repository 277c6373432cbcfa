import { DateTime } from 'luxon';
import type { Bar } from '../api/models.ts';

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
  const bars: Bar[] = [];
  const cache = new Map<string, number>();
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
    let dayStart = cache.get(date);
    if (dayStart === undefined) {
      const d = DateTime.fromISO(date, { zone });
      if (!d.isValid) throw new CsvFormatError(source, ln + 1, 'Date', 'a calendar date', date);
      dayStart = d.toMillis();
      cache.set(date, dayStart);
    }
    let time: number;
    if (iTime >= 0) {
      const t = (f[iTime] ?? '').trim();
      const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
      if (!m) throw new CsvFormatError(source, ln + 1, 'Time', 'HH:MM[:SS]', t);
      time = DateTime.fromMillis(dayStart, { zone }).set({ hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3] ?? 0) }).toMillis();
    } else {
      time = DateTime.fromMillis(dayStart, { zone }).set({ hour: oh ?? 9, minute: om ?? 30 }).toMillis();
    }
    const bar: Bar = { symbol: opts.symbol, time, open: num(iOpen, 'Open'), high: num(iHigh, 'High'), low: num(iLow, 'Low'), close: num(iClose, 'Close'), volume: num(iVol, 'Volume') };
    if (bar.high < bar.low) throw new CsvFormatError(source, ln + 1, 'High', `a value >= Low (${bar.low})`, String(bar.high));
    bars.push(bar);
  }
  bars.sort((a, b) => a.time - b.time);
  return bars;
}
