import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetadataVersion, RecordBatchFileReader } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseCsvBars, type Bar } from '@pounce/core';
import { BarStore, columnsOf, decodeBarColumns, encodeBarColumns, importCsv, inferPeriod, parseStoreSpec } from '@pounce/store';
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
});
