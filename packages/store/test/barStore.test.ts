import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float64, makeData, MetadataVersion, RecordBatch, RecordBatchFileReader, Schema, Struct, Table, tableToIPC, TimestampMillisecond } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseCsvBars, type Bar } from '@pounce/core';
import { BarStore, columnsOf, decodeBarColumns, emptyColumns, encodeBarColumns, importCsv, inferPeriod, openBarFile, parseStoreSpec } from '@pounce/store';
import { tempDirs } from '../../gateway/test/testGateway.ts';

const SHIPPED = fileURLToPath(new URL('../../gateway/data/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const csvIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f)) : []);
const FILES = [...csvIn(SHIPPED), ...csvIn(SHARED)];
const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Every bar, every field, compared with === (Object.is would also do: no NaN or -0 in bars). */
function expectSameBars(got: readonly Bar[], want: readonly Bar[], file: string): void {
  expect(got.length, file).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    for (const f of FIELDS) {
      if (got[i]![f] !== want[i]![f]) throw new Error(`${file}: bar ${i} ${f}: stored ${got[i]![f]}, CSV ${want[i]![f]}`);
    }
  }
}

describe('BarStore', () => {
  const temp = tempDirs();

  it('finds the shipped data files (three in packages/gateway/data)', () => {
    expect(csvIn(SHIPPED).length).toBe(3);
  });

  it.each(FILES)('round-trips every bar of %s exactly', (path) => {
    const store = new BarStore(temp('pounce-store-'));
    const want = parseCsvBars(readFileSync(path, 'utf8'), { symbol: 'SYM', source: path });
    const r = importCsv(store, `SYM=${path}`);
    expect(r.added).toBe(want.length);
    const { series, columns } = store.read('SYM');
    expect(series.bars).toBe(want.length);
    const fromColumns = Array.from({ length: columns.time.length }, (_, i) => Object.fromEntries(FIELDS.map((f) => [f, columns[f][i]])) as unknown as Bar);
    expectSameBars(fromColumns, want, path);
    expectSameBars([...store.bars(series)], want, path);
  });

  it('names the period from the bars: day for the daily files, 5min for the index', () => {
    const store = new BarStore(temp('pounce-store-'));
    expect(importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`).period).toBe('day');
    expect(importCsv(store, `IDX=${join(SHIPPED, 'idx-5min-2006.csv')}`).period).toBe('5min');
    expect(inferPeriod(new Float64Array([0]))).toBeUndefined();
  });

  it('partitions by period, symbol and UTC year, and lists them', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const files = readdirSync(join(dir, 'day', 'NVDA')).sort();
    expect(files).toEqual([...Array.from({ length: 16 }, (_, k) => `${1999 + k}.arrow`), 'manifest.json']);
    const [s] = store.list();
    expect(s!.partitions.map((p) => p.bytes)).toEqual(files.filter((f) => f.endsWith('.arrow')).map((f) => statSync(join(dir, 'day', 'NVDA', f)).size));
    expect(s!.partitions.reduce((n, p) => n + p.bars, 0)).toBe(s!.bars);
  });

  it('imports the same file twice without change: the second adds nothing and rewrites no file', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    const spec = `ORCL=${join(SHIPPED, 'orcl-1995-2014.csv')}`;
    const first = importCsv(store, spec);
    const mtimes = readdirSync(join(dir, 'day', 'ORCL')).map((f) => statSync(join(dir, 'day', 'ORCL', f)).mtimeMs);
    const again = importCsv(store, spec);
    expect(again).toMatchObject({ added: 0, alreadyStored: first.bars, partitionsWritten: 0 });
    expect(readdirSync(join(dir, 'day', 'ORCL')).map((f) => statSync(join(dir, 'day', 'ORCL', f)).mtimeMs)).toEqual(mtimes);
    expect(store.find('ORCL').bars).toBe(first.bars);
  });

  it('merges new bars into a stored year and refuses a changed bar, naming the time and field, without writing', () => {
    const store = new BarStore(temp('pounce-store-'));
    const bars = parseCsvBars(readFileSync(join(SHIPPED, 'nvda-1999-2014.csv'), 'utf8'), { symbol: 'NVDA' });
    store.write(columnsOf('NVDA', bars.slice(0, 100)), 'day');
    expect(store.write(columnsOf('NVDA', bars.slice(50, 200)), 'day')).toMatchObject({ added: 100, alreadyStored: 50 });
    expectSameBars([...store.bars(store.find('NVDA'))], bars.slice(0, 200), 'merged');
    const changed = bars.slice(150, 250).map((b, i) => (i === 10 ? { ...b, close: b.close + 1 } : b));
    expect(() => store.write(columnsOf('NVDA', changed), 'day', { source: 'x.csv' })).toThrow(new RegExp(`^x.csv: NVDA ${new Date(bars[160]!.time).toISOString()}: close ${bars[160]!.close + 1} differs from ${bars[160]!.close} in the store .*--replace`));
    expect(store.find('NVDA').bars).toBe(200);
    expect(store.write(columnsOf('NVDA', changed), 'day', { replace: true })).toMatchObject({ added: 100 });
    expect(store.read('NVDA').columns.close[10]).toBe(bars[160]!.close + 1);
    expect(store.find('NVDA').bars).toBe(100);
  });

  it('reads a time range, skipping partitions outside it', () => {
    const store = new BarStore(temp('pounce-store-'));
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const from = Date.UTC(2004, 0, 1);
    const to = Date.UTC(2005, 6, 1);
    const all = parseCsvBars(readFileSync(join(SHIPPED, 'nvda-1999-2014.csv'), 'utf8'), { symbol: 'NVDA' });
    const want = all.filter((b) => b.time >= from && b.time < to);
    const sizes: number[] = [];
    expectSameBars([...store.bars(store.find('NVDA'), { from, to }, (n) => sizes.push(n))], want, 'range');
    expect(sizes.length).toBe(2);
    expect(store.read('NVDA', 'day', { from, to }).columns.time.length).toBe(want.length);
  });

  it('says what is stored when a symbol or period is not', () => {
    const store = new BarStore(temp('pounce-store-'));
    importCsv(store, `IDX=${join(SHIPPED, 'idx-5min-2006.csv')}`);
    importCsv(store, `IDX=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    expect(() => store.find('IDX')).toThrow(/IDX is stored in periods 5min, day: name one, e.g. store:IDX@5min/);
    expect(() => store.find('IDX', '1min')).toThrow(/no 1min bars of IDX \(stored: 5min, day\)/);
    expect(() => store.find('AAPL')).toThrow(/no bars of AAPL; import them: npm run pounce -- data import AAPL=FILE.csv/);
    expect(parseStoreSpec('store:idx@5min')).toEqual({ symbol: 'IDX', period: '5min' });
    expect(() => parseStoreSpec('store:')).toThrow(/expected store:SYMBOL/);
  });

  it('names the file, line and column of a bad CSV row, and stores nothing', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2004-01-02,1,2,1,1.5,100\n2004-01-05,1,2,1,abc,100\n');
    expect(() => importCsv(store, `BAD=${bad}`)).toThrow(`${bad}:3: column Close: expected a number, got "abc"`);
    expect(store.list()).toEqual([]);
  });

  it('refuses a symbol that is not one plain folder name, before anything is written or removed', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    importCsv(store, `IDX=${join(SHIPPED, 'idx-5min-2006.csv')}`);
    const dotFile = join(dir, '.x.csv');
    writeFileSync(dotFile, readFileSync(join(SHIPPED, 'nvda-1999-2014.csv')));
    // `..` would be the store itself, '' the period folder, '.' the period folder too.
    for (const [spec, got] of [[`..=${dotFile}`, '..'], [`.=${dotFile}`, '.'], [dotFile, ''], [`.hidden=${dotFile}`, '.HIDDEN']] as const) {
      expect(() => importCsv(store, spec, { replace: true }), spec).toThrow(`data import ${spec}: symbol (from ${spec.includes('=') ? 'SYM=' : 'the file name'}): expected a symbol of letters, digits and . ^ _ - not starting with "." (e.g. NVDA, BRK.B), got "${got}"`);
    }
    const one = [{ symbol: '..', time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 }];
    for (const sym of ['..', '.', '', 'a/b', 'A\\B']) {
      expect(() => store.write(columnsOf(sym, one.map((b) => ({ ...b, symbol: sym }))), 'day', { replace: true }), sym).toThrow(`BarStore.write: symbol: expected a symbol`);
    }
    expect(() => store.find('..', 'day')).toThrow(/symbol: expected a symbol/);
    expect(() => parseStoreSpec('store:..@day')).toThrow('--data store:..@day: expected a symbol');
    expect(store.list().map((s) => s.symbol)).toEqual(['IDX', 'NVDA']);
    expect(store.find('NVDA').bars).toBe(parseCsvBars(readFileSync(join(SHIPPED, 'nvda-1999-2014.csv'), 'utf8'), { symbol: 'NVDA' }).length);
    expect(store.write(columnsOf('brk.b', one.map((b) => ({ ...b, symbol: 'brk.b' }))), 'day').symbol).toBe('BRK.B');
  });

  it('refuses a partition file changed behind its back (same bar count) on every read, naming it', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const path = join(dir, 'day', 'NVDA', '2004.arrow');
    const cols = decodeBarColumns(readFileSync(path), path);
    const close = Float64Array.from(cols.close);
    close[7] = close[7]! + 0.01;
    writeFileSync(path, encodeBarColumns({ ...cols, symbol: 'NVDA', close }, 'day'));
    const refused = new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}: sha256 [0-9a-f]{16}\\.\\. differs from [0-9a-f]{16}\\.\\. in .*manifest.json: the store was changed behind its back`);
    expect(() => store.read('NVDA')).toThrow(refused);
    expect(() => [...store.bars(store.find('NVDA'))]).toThrow(refused);
    expect(() => importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`)).toThrow(refused);
    // Years before it still read; --replace writes the series anew.
    expect(store.read('NVDA', 'day', { to: Date.UTC(2004, 0, 1) }).columns.time.length).toBeGreaterThan(0);
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`, { replace: true });
    expect(store.read('NVDA').columns.time.length).toBe(store.find('NVDA').bars);
  });

  it('refuses a partition file whose size is not the manifest\'s before reading it (a 64 MB file in its place is not read whole)', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const path = join(dir, 'day', 'NVDA', '2004.arrow');
    const listed = readFileSync(path).byteLength;
    writeFileSync(path, Buffer.alloc(64 << 20));
    const refused = new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}: ${64 << 20} bytes, the manifest says ${listed}: the store was changed behind its back`);
    const rssBefore = process.memoryUsage().arrayBuffers;
    expect(() => store.read('NVDA')).toThrow(refused);
    expect(() => [...store.bars(store.find('NVDA'))]).toThrow(refused);
    // Refused at the size: no buffer of the file's size was taken.
    expect(process.memoryUsage().arrayBuffers - rssBefore).toBeLessThan(32 << 20);
  });

  it('refuses a manifest whose partition lacks its size or hash, naming the entry', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const path = join(dir, 'day', 'NVDA', 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { partitions: Array<Record<string, unknown>> };
    m.partitions[3]!.bytes = '12345';
    writeFileSync(path, JSON.stringify(m));
    expect(() => store.read('NVDA')).toThrow(/manifest\.json: partitions\[3\]: expected file, bars, bytes and sha256, got \{.*"bytes":"12345"/);
  });

  it('writes each partition as an Arrow IPC file: ARROW1 magic at both ends, metadata V5, one uncompressed batch of the six columns', () => {
    const dir = temp('pounce-store-');
    importCsv(new BarStore(dir), `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const bytes = readFileSync(join(dir, 'day', 'NVDA', '2004.arrow'));
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from('ARROW1\0\0', 'latin1'));
    expect(bytes.subarray(bytes.length - 6).toString('latin1')).toBe('ARROW1');
    const reader = RecordBatchFileReader.from(bytes).open();
    // Read before the batches: iterating to the end closes the reader.
    expect(reader.footer!.version).toBe(MetadataVersion.V5);
    expect(reader.schema.metadataVersion).toBe(MetadataVersion.V5);
    expect(reader.footer!.numRecordBatches).toBe(1);
    expect(reader.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)).toEqual(['time:Timestamp<MILLISECOND>:false', ...['open', 'high', 'low', 'close', 'volume'].map((k) => `${k}:Float64:false`)]);
    expect(reader.schema.metadata.get('pounce.period')).toBe('day');
    const batches = [...reader];
    expect(batches.length).toBe(1);
    // Uncompressed: the file holds at least the 6 x 8 bytes of every bar.
    expect(bytes.length).toBeGreaterThanOrEqual(batches[0]!.numRows * 48);
  });

  it('checks a partition file against the layout it writes', () => {
    const bytes = encodeBarColumns(columnsOf('X', [{ symbol: 'X', time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 }]), 'day');
    expect(decodeBarColumns(bytes, 'x.arrow').time[0]).toBe(1);
    expect(() => decodeBarColumns(new Uint8Array([1, 2, 3]), 'x.arrow')).toThrow(/^x.arrow: not an Arrow IPC file/);
  });

  it('converts int64 times to doubles exactly below 2^53 and to the nearest double (as Number(bigint)) beyond, in both decode paths', () => {
    const T53 = 2n ** 53n;
    const times = [0n, -1n, 1n, -60_000n, BigInt(Date.UTC(1969, 6, 20, 20, 17)), BigInt(Date.UTC(2024, 2, 15, 14, 30)), 4_102_444_800_000n, T53 - 1n, -(T53 - 1n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), -(2n ** 31n) - 1n,
      // beyond 2^53: not every int64 is a double; each reads as the nearest one (ties to even)
      T53 + 1n, T53 + 3n, -(T53 + 1n), 2n ** 62n + 12_345n, 2n ** 63n - 1n, -(2n ** 63n)];
    const n = times.length;
    const fields = [new Field('time', new TimestampMillisecond(), false), ...(['open', 'high', 'low', 'close', 'volume'] as const).map((k) => new Field(k, new Float64(), false))];
    const schema = new Schema(fields, new Map([['pounce.symbol', 'T'], ['pounce.period', 'day']]));
    const value = Float64Array.from(times, (_, i) => i + 0.5);
    const children = [makeData({ type: new TimestampMillisecond(), data: BigInt64Array.from(times), length: n, nullCount: 0 }), ...fields.slice(1).map(() => makeData({ type: new Float64(), data: Float64Array.from(value), length: n, nullCount: 0 }))];
    const bytes = tableToIPC(new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }))]), 'file');
    const want = times.map((t) => Number(t));
    expect(want.slice(0, 13).every((t, i) => BigInt(t) === times[i])).toBe(true); // below 2^53 the double is the int64
    expect(Array.from(decodeBarColumns(bytes, 't.arrow').time)).toEqual(want);
    // copyInto writes at an offset of a larger set of columns, leaving the rest alone
    const out = emptyColumns('T', n + 3);
    out.time.fill(-7);
    const file = openBarFile(bytes, 't.arrow');
    expect(file.length).toBe(n);
    file.copyInto(out, 2);
    expect(Array.from(out.time)).toEqual([-7, -7, ...want, -7]);
    expect(Array.from(out.volume.subarray(2, 2 + n))).toEqual(Array.from(value));
    expect(() => file.copyInto(out, 4)).toThrow(`t.arrow: ${n} rows do not fit at row 4 of ${n + 3}`);
    // and the store writes and reads every such double back as it was given
    const store = new BarStore(temp('pounce-store-'));
    const stored = want.filter((t) => Math.abs(t) < 8.64e15).sort((a, b) => a - b); // Date's range: the store partitions by UTC year
    store.write({ ...emptyColumns('T', stored.length), time: Float64Array.from(stored) }, 'day');
    expect(store.find('T').partitions.length).toBeGreaterThan(3);
    expect(Array.from(store.read('T').columns.time)).toEqual(stored);
  });

  it('reads a series of many files into one set of columns, clipped to a range, the same as file by file', () => {
    const store = new BarStore(temp('pounce-store-'));
    importCsv(store, `NVDA=${join(SHIPPED, 'nvda-1999-2014.csv')}`);
    const all = parseCsvBars(readFileSync(join(SHIPPED, 'nvda-1999-2014.csv'), 'utf8'), { symbol: 'NVDA' });
    // ranges starting and ending inside a file, on a file's edge, before and after the series
    for (const [from, to] of [[Date.UTC(2003, 5, 17), Date.UTC(2009, 1, 3)], [Date.UTC(2004, 0, 1), Date.UTC(2006, 0, 1)], [undefined, Date.UTC(2001, 3, 1)], [Date.UTC(2012, 9, 9), undefined], [Date.UTC(1990, 0, 1), Date.UTC(2030, 0, 1)]] as const) {
      const want = all.filter((b) => (from === undefined || b.time >= from) && (to === undefined || b.time < to));
      const { columns } = store.read('NVDA', 'day', { from, to });
      const got = Array.from({ length: columns.time.length }, (_, i) => Object.fromEntries(FIELDS.map((f) => [f, columns[f][i]])) as unknown as Bar);
      expectSameBars(got, want, `${from}..${to}`);
      expectSameBars([...store.bars(store.find('NVDA'), { from, to })], want, `bars ${from}..${to}`);
    }
  });

  it('checks files bigger than one read piece (1 MiB) over all their bytes, reading files of any size order into one buffer', () => {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    // 2001: 40,000 bars (~1.9 MB), 2002: 1,000, 2003: 50,000: the read buffer is reused, then grown
    const years = [[2001, 40_000], [2002, 1_000], [2003, 50_000]] as const;
    const bars: Bar[] = [];
    for (const [year, n] of years) {
      for (let i = 0; i < n; i++) bars.push({ symbol: 'M', time: Date.UTC(year, 0, 1) + i * 60_000, open: year + i / 8, high: year + i / 4, low: year - i / 8, close: year + i / 16, volume: i * 3 });
    }
    store.write(columnsOf('M', bars), '1min');
    const series = store.find('M');
    expect(series.partitions.map((p) => p.bytes > 1 << 20)).toEqual([true, false, true]);
    const { columns } = store.read('M');
    expectSameBars(Array.from({ length: columns.time.length }, (_, i) => Object.fromEntries(FIELDS.map((f) => [f, columns[f][i]])) as unknown as Bar), bars, 'read');
    expectSameBars([...store.bars(series)], bars, 'bars');
    // One byte changed past the first piece (in the volume column) is refused on every read.
    const path = join(dir, '1min', 'M', '2003.arrow');
    const bytes = readFileSync(path);
    bytes[bytes.length - 5_000]! ^= 1;
    writeFileSync(path, bytes);
    const refused = new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}: sha256 [0-9a-f]{16}\\.\\. differs`);
    expect(() => store.read('M')).toThrow(refused);
    expect(() => [...store.bars(store.find('M'))]).toThrow(refused);
    expect(store.read('M', '1min', { to: Date.UTC(2003, 0, 1) }).columns.time.length).toBe(41_000);
  });
});
