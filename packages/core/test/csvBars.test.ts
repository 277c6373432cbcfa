import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvBarRows, CsvFormatError, csvTimeSpan, parseCsvBars, readCsvBars } from '../src/index.ts';

/** The bar time as luxon computes it row by row (the parser's reference). */
const byLuxon = (date: string, hour: number, minute: number, second: number, zone: string) =>
  DateTime.fromISO(date, { zone }).set({ hour, minute, second }).toMillis();

const data = (name: string) => readFileSync(fileURLToPath(new URL(`../../gateway/data/${name}`, import.meta.url)), 'utf8');
const pad = (n: number) => String(n).padStart(2, '0');

describe('parseCsvBars times', () => {
  it('stamps every row of the shipped daily and 5-minute files as luxon does', () => {
    for (const [file, intraday] of [['nvda-1999-2014.csv', false], ['orcl-1995-2014.csv', false], ['idx-5min-2006.csv', true]] as const) {
      const text = data(file);
      const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
      const expected = rows.map((r) => {
        const [h, m, s] = intraday ? r[1]!.split(':').map(Number) : [9, 30, 0];
        return byLuxon(r[0]!, h!, m!, s ?? 0, 'America/New_York');
      });
      expect(parseCsvBars(text, { symbol: 'X' }).map((b) => b.time)).toEqual(expected.sort((a, b) => a - b));
    }
  });

  it('agrees with luxon on any date and time in zones with and without DST, change days included', () => {
    // Including zones with unusual rules: Morocco's Ramadan breaks, a 30-minute DST (Lord Howe), Troll's +2.
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Chatham', 'Africa/Casablanca', 'Australia/Lord_Howe', 'Antarctica/Troll', 'Asia/Tehran', 'America/Havana', 'Europe/Moscow'];
    const day = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2037, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom(...zones), (date, h, m, s, zone) => {
        const csv = `Date,Time,Open,High,Low,Close,Volume\n${date},${pad(h)}:${pad(m)}:${pad(s)},1,2,1,2,10`;
        expect(parseCsvBars(csv, { symbol: 'X', zone })[0]!.time).toBe(byLuxon(date, h, m, s, zone));
      }),
      { numRuns: 4000 },
    );
  });

  it('stamps every day of 1970-2037 as luxon does, in zones with unusual rules (daily rows, in order)', () => {
    for (const zone of ['Africa/Casablanca', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Antarctica/Troll', 'Europe/Moscow']) {
      const dates: string[] = [];
      for (let t = Date.UTC(1970, 0, 1); t < Date.UTC(2038, 0, 1); t += 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10));
      const csv = ['Date,Open,High,Low,Close,Volume', ...dates.map((d) => `${d},1,2,1,2,10`)].join('\n');
      const times = parseCsvBars(csv, { symbol: 'X', zone, sessionOpen: '02:30' }).map((b) => b.time);
      expect(times).toEqual(dates.map((d) => byLuxon(d, 2, 30, 0, zone)));
    }
  });

  it('resolves times on New York DST change days (gap and overlap) as luxon does', () => {
    for (const [date, time] of [['2024-03-10', '02:30'], ['2024-03-10', '01:59'], ['2024-03-10', '03:00'], ['2024-11-03', '01:30'], ['2024-11-03', '09:30']] as const) {
      const [h, m] = time.split(':').map(Number);
      const csv = `Date,Time,Open,High,Low,Close,Volume\n${date},${time},1,2,1,2,10`;
      expect(parseCsvBars(csv, { symbol: 'X' })[0]!.time).toBe(byLuxon(date, h!, m!, 0, 'America/New_York'));
    }
  });

  it('rejects a time outside the day, naming line and column', () => {
    for (const time of ['24:00', '09:60', '09:30:60', '9:30']) {
      const csv = `Date,Time,Open,High,Low,Close,Volume\n2024-01-02,${time},1,2,1,2,10`;
      expect(() => parseCsvBars(csv, { symbol: 'X', source: 'f.csv' })).toThrow(`f.csv:2: column Time: expected HH:MM[:SS] within a day, got "${time}"`);
    }
  });

  it('rejects a date that is not on the calendar, naming line and column', () => {
    const csv = 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,1,2,10\n2023-02-30,1,2,1,2,10';
    expect(() => parseCsvBars(csv, { symbol: 'X', source: 'f.csv' })).toThrow(CsvFormatError);
    expect(() => parseCsvBars(csv, { symbol: 'X', source: 'f.csv' })).toThrow(/^f\.csv:3: column Date: expected a calendar date, got "2023-02-30"/);
  });
});

describe('readCsvBars (streamed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-csv-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('gives the same bars as parseCsvBars for every shipped file, whatever the chunk size', () => {
    for (const name of ['nvda-1999-2014.csv', 'orcl-1995-2014.csv', 'idx-5min-2006.csv']) {
      const path = fileURLToPath(new URL(`../../gateway/data/${name}`, import.meta.url));
      const whole = parseCsvBars(readFileSync(path, 'utf8'), { symbol: 'X' });
      for (const chunkBytes of [1 << 20, 4096, 7]) expect([...readCsvBars(path, { symbol: 'X', chunkBytes })]).toEqual(whole);
    }
  });

  it('handles a BOM, CRLF line ends, blank lines, no final newline and multi-byte text split across chunks', () => {
    const p = file('bom.csv', '\uFEFFDate,Open,High,Low,Close,Volume,Note\r\n2024-01-02,1,2,1,2,10,é€\r\n\r\n2024-01-03,2,3,2,3,20,ü');
    const bytes: number[] = [];
    for (const chunkBytes of [1, 2, 3, 5]) {
      const bars = [...readCsvBars(p, { symbol: 'X', chunkBytes, onBytes: (c) => bytes.push(c.length) })];
      expect(bars.map((b) => [b.close, b.volume])).toEqual([[2, 10], [3, 20]]);
    }
    expect(bytes.reduce((a, b) => a + b, 0)).toBe(4 * readFileSync(p).length);
  });

  it('rejects a row out of time order, naming both lines', () => {
    const p = file('unsorted.csv', 'Date,Open,High,Low,Close,Volume\n2024-01-03,1,2,1,2,10\n\n2024-01-02,1,2,1,2,10\n');
    expect(() => [...readCsvBars(p, { symbol: 'X' })]).toThrow(/unsorted\.csv:4: column Date: expected rows in time order to stream the file \(this row is before line 2's\)/);
  });

  it('names line and column of a bad row, as the whole-file parser does', () => {
    const p = file('bad.csv', 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,1,x,10\n');
    expect(() => [...readCsvBars(p, { symbol: 'X', source: 'bad.csv' })]).toThrow('bad.csv:2: column Close: expected a number, got "x"');
  });
});

describe('CSV dates', () => {
  it('accepts exactly the calendar dates (leap years included) and names the others', () => {
    const ok = ['2024-02-29', '2000-02-29', '2023-12-31', '2023-04-30', '1999-01-01'];
    const bad = ['2023-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00', '2023-01-32'];
    for (const d of ok) expect(parseCsvBars(`Date,Open,High,Low,Close,Volume\n${d},1,2,1,2,10`, { symbol: 'X' })).toHaveLength(1);
    for (const d of bad) expect(() => parseCsvBars(`Date,Open,High,Low,Close,Volume\n${d},1,2,1,2,10`, { symbol: 'X', source: 'f.csv' })).toThrow(`f.csv:2: column Date: expected a calendar date, got "${d}"`);
  });
});

describe('CsvBarRows.rowBytes (rows read from their bytes, as streamed)', () => {
  /** What row() makes of a line: the bar, or the error's message. */
  const outcome = (f: () => unknown) => {
    try {
      return { bar: f() };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  const same = (header: string, line: string) => {
    const rows = new CsvBarRows(header, { symbol: 'X', source: 'f.csv' });
    const bytes = Buffer.from(`junk${line}junk`);
    const a = outcome(() => rows.rowBytes(bytes, 4, bytes.length - 4, 7));
    const b = outcome(() => new CsvBarRows(header, { symbol: 'X', source: 'f.csv' }).row(line, 7));
    expect(a, line).toEqual(b);
    // -0 and 0 differ to a strategy that divides: toEqual tells them apart too, but say it outright.
    if ('bar' in a && a.bar && 'bar' in b && b.bar) for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) expect(Object.is((a.bar as Record<string, number>)[k], (b.bar as Record<string, number>)[k])).toBe(true);
  };
  // Numbers as CSV files write them, and the odd ones the byte path leaves to row().
  const decimal = fc.tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,18}$/), fc.option(fc.stringMatching(/^[0-9]{0,8}$/))).map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
  const odd = fc.constantFrom('', ' ', '1e3', '-0', '+5', '.5', '5.', ' 7', '7 ', '"1"', '0x10', 'Infinity', 'NaN', '1..2', '--1', '١', '1,5');
  const field = fc.oneof({ weight: 6, arbitrary: decimal }, { weight: 1, arbitrary: odd });

  it('gives row()\'s bar, or row()\'s error naming line and column, for any daily row', () => {
    fc.assert(fc.property(field, field, field, field, field, (o, h, l, c, v) => same('Date,Open,High,Low,Close,Volume', `2024-03-04,${o},${h},${l},${c},${v}`)), { numRuns: 3000 });
  });

  it('gives row()\'s bar or error for any date and time field, DST change days included', () => {
    const date = fc.oneof(fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2037, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2024-03-10', '2024-11-03', '2023-02-29', '2024-13-01', '2024-1-05', ' 2024-01-05', '2024/01/05', ''));
    const time = fc.oneof(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.option(fc.integer({ min: 0, max: 61 }))).map(([h, m, s]) => `${pad(h)}:${pad(m)}${s === null ? '' : `:${pad(s)}`}`), fc.constantFrom('9:30', '09:30 ', '0930', '', '01:30', '02:30'));
    fc.assert(fc.property(date, time, (d, t) => same('Date,Time,Open,High,Low,Close,Volume,OpenInterest', `${d},${t},1.5,2.25,1.25,2,100,0`)), { numRuns: 3000 });
  });

  it('rows with too few fields, a blank line, and High below Low go to row(), which names them', () => {
    for (const line of ['', '   ', '2024-01-02,1,2,1', '2024-01-02,1,1,2,1,10', '2024-01-02,1,2,1,2,10,extra,é']) same('Date,Open,High,Low,Close,Volume', line);
    const rows = new CsvBarRows('Date,Open,High,Low,Close,Volume', { symbol: 'X', source: 'f.csv' });
    const bytes = Buffer.from('2024-01-02,1,1,2,1,10');
    expect(() => rows.rowBytes(bytes, 0, bytes.length, 9)).toThrow('f.csv:9: column High: expected a value >= Low (2), got "1"');
  });
});

describe('csvTimeSpan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-csv-span-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('finds the shipped files in time order, with their first and last row', () => {
    for (const [name, first, last] of [['nvda-1999-2014.csv', '1999-01-22', '2014-12-31'], ['idx-5min-2006.csv', undefined, undefined]] as const) {
      const path = fileURLToPath(new URL(`../../gateway/data/${name}`, import.meta.url));
      const span = csvTimeSpan(path);
      expect(span.ordered).toBe(true);
      const bars = parseCsvBars(readFileSync(path, 'utf8'), { symbol: 'X' });
      const rows = readFileSync(path, 'utf8').trim().split('\n');
      const key = (row: string) => (name.includes('5min') ? row.split(',').slice(0, 2).join(' ') : row.split(',')[0]!);
      expect(span.first).toBe(first ?? key(rows[1]!));
      expect(span.last).toBe(last ?? key(rows[rows.length - 1]!));
      expect(bars.length).toBe(rows.length - 1);
    }
  });

  it('says a file is out of order at a row before, or at the same time as, the one above it (blank lines and CRLF aside)', () => {
    const head = 'Date,Time,Open,High,Low,Close,Volume\r\n';
    expect(csvTimeSpan(file('ok.csv', `${head}2024-01-02,09:30,1,2,1,2,10\r\n\r\n2024-01-02,09:31:00,1,2,1,2,10\r\n2024-01-03,09:30,1,2,1,2,10`))).toEqual({ ordered: true, first: '2024-01-02 09:30', last: '2024-01-03 09:30' });
    expect(csvTimeSpan(file('back.csv', `${head}2024-01-02,09:31,1,2,1,2,10\n2024-01-02,09:30,1,2,1,2,10\n`)).ordered).toBe(false);
    // Blanks around the fields, as the parse trims them: ' 09:31' is after '09:30', not before.
    expect(csvTimeSpan(file('blanks.csv', `${head}2024-01-02, 09:31,1,2,1,2,10\n2024-01-02,09:30,1,2,1,2,10\n`)).ordered).toBe(false);
    expect(csvTimeSpan(file('blanks2.csv', `${head} 2024-01-02 ,09:30 ,1,2,1,2,10\n2024-01-02,\t09:31,1,2,1,2,10\n`))).toEqual({ ordered: true, first: '2024-01-02 09:30', last: '2024-01-02 09:31' });
    expect(csvTimeSpan(file('same.csv', `${head}2024-01-02,09:31,1,2,1,2,10\n2024-01-02,09:31,1,2,1,2,10\n`)).ordered).toBe(false);
    expect(csvTimeSpan(file('short.csv', `${head}2024-01-02\n`)).ordered).toBe(false);
    expect(csvTimeSpan(file('empty.csv', 'Date,Open,High,Low,Close,Volume\n'))).toEqual({ ordered: true, first: undefined, last: undefined });
    // A key longer than its buffer: it grows.
    expect(csvTimeSpan(file('long.csv', `Date,Open,High,Low,Close,Volume\n${'2'.repeat(100)},1,2,1,2,10\n${'3'.repeat(200)},1,2,1,2,10\n`))).toEqual({ ordered: true, first: '2'.repeat(100), last: '3'.repeat(200) });
  });
});
