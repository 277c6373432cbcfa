import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, TimestampMillisecond } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { BarStore, decodeBarColumns, emptyColumns, encodeBarColumns, type BarColumns } from '@pounce/store';
import { readBarFileInto } from '../src/barFileInto.ts';
import { FileSizeMismatch, ReadBuffer } from '../src/partitionBytes.ts';
import { tempDirs } from '../../gateway/test/testGateway.ts';

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const MINUTE = 60_000;

/** `n` one-minute bars from `start`, every field distinct per row. */
function minuteBars(n: number, start = Date.UTC(2003, 0, 1)): BarColumns {
  const c = emptyColumns('M', n);
  for (let i = 0; i < n; i++) {
    c.time[i] = start + i * MINUTE;
    c.open[i] = 100 + i / 8;
    c.high[i] = 101 + i / 4;
    c.low[i] = 99 - i / 16;
    c.close[i] = 100 + i / 32;
    c.volume[i] = i * 3;
  }
  return c;
}

/** An Arrow IPC file of the bars' columns in `order`, one record batch per entry of `batches` (row counts). */
function otherLayout(c: BarColumns, order: readonly (typeof FIELDS)[number][], batches: readonly number[]): Uint8Array {
  const fields = order.map((k) => (k === 'time' ? new Field(k, new TimestampMillisecond(), false) : new Field(k, new Float64(), false)));
  const schema = new Schema(fields, new Map([['pounce.symbol', c.symbol], ['pounce.period', '1min']]));
  let at = 0;
  const list = batches.map((n) => {
    const children = order.map((k) => (k === 'time' ? makeData({ type: new TimestampMillisecond(), data: BigInt64Array.from(c.time.subarray(at, at + n), (t) => BigInt(t)), length: n, nullCount: 0 }) : makeData({ type: new Float64(), data: c[k].slice(at, at + n), length: n, nullCount: 0 })));
    at += n;
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  });
  return tableToIPC(new Table(schema, list), 'file');
}

function rows(c: BarColumns, from: number, to: number): number[][] {
  return FIELDS.map((k) => Array.from(c[k].subarray(from, to)));
}

describe('readBarFileInto (BarStore.read straight into the output columns)', () => {
  const temp = tempDirs();

  // 131,073 rows: each column is 8 bytes over 1 MiB, so it continues into a second piece.
  it.each([1, 3, 40_000, 131_073])('reads the %i rows of a file encodeBarColumns wrote into columns at an offset, hashing all its bytes', (n) => {
    const bars = minuteBars(n);
    // times on both sides of 0 and of 2^32 ms exercise the int64 halves
    bars.time[0] = -(2 ** 32) - 5;
    if (n > 1) bars.time[1] = 2 ** 32 + 7;
    const bytes = encodeBarColumns(bars, '1min');
    const path = join(temp('pounce-into-'), 'x.arrow');
    writeFileSync(path, bytes);
    const out = emptyColumns('M', n + 5);
    for (const k of FIELDS) out[k].fill(-7);
    const read = readBarFileInto(path, bytes.byteLength, out, 2, new ReadBuffer());
    expect(read).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), rows: n });
    expect(rows(out, 2, 2 + n)).toEqual(rows(decodeBarColumns(bytes, path), 0, n));
    expect(rows(out, 2, 2 + n)).toEqual(rows(bars, 0, n));
    // the rows around are left alone
    expect([...rows(out, 0, 2), ...rows(out, 2 + n, n + 5)].flat().every((v) => v === -7)).toBe(true);
    expect(() => readBarFileInto(path, bytes.byteLength + 1, out, 0, new ReadBuffer())).toThrow(FileSizeMismatch);
  });

  it('leaves other layouts to the whole-file read, writing nothing; the store still reads them exactly', () => {
    const bars = minuteBars(5_000);
    const dir = temp('pounce-into-');
    const reordered = otherLayout(bars, ['open', 'time', 'high', 'low', 'close', 'volume'], [5_000]);
    const twoBatches = otherLayout(bars, FIELDS, [2_000, 3_000]);
    for (const [name, bytes] of [['reordered', reordered], ['two batches', twoBatches]] as const) {
      const path = join(dir, `${name}.arrow`);
      writeFileSync(path, bytes);
      const out = emptyColumns('M', 5_000);
      out.close.fill(-7);
      expect(readBarFileInto(path, bytes.byteLength, out, 0, new ReadBuffer()), name).toBeUndefined();
      expect(out.close.every((v) => v === -7), name).toBe(true);
    }
    // A stored file swapped for the two-batch one (its manifest entry updated to match) reads the same bars.
    const store = new BarStore(join(dir, 'store'));
    store.write(bars, '1min');
    const series = store.find('M');
    const file = join(series.dir, series.partitions[0]!.file);
    writeFileSync(file, twoBatches);
    const manifest = join(series.dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { partitions: Array<{ bytes: number; sha256: string }> };
    m.partitions[0] = { ...m.partitions[0]!, bytes: twoBatches.byteLength, sha256: createHash('sha256').update(twoBatches).digest('hex') };
    writeFileSync(manifest, JSON.stringify(m));
    expect(rows(store.read('M').columns, 0, 5_000)).toEqual(rows(bars, 0, 5_000));
  });

  it('refuses a file changed behind the store\'s back on the direct path, naming it, whether the change is in a column or in the layout', () => {
    const dir = temp('pounce-into-');
    const store = new BarStore(dir);
    // two years: the changed file is the second, written into the columns after the first
    const bars = minuteBars(30_000, Date.UTC(2003, 11, 31, 12));
    store.write(bars, '1min');
    const series = store.find('M');
    expect(series.partitions.length).toBe(2);
    const path = join(series.dir, series.partitions[1]!.file);
    const good = readFileSync(path);
    const refused = new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}: sha256 [0-9a-f]{16}\\.\\. differs from [0-9a-f]{16}\\.\\. in .*manifest.json: the store was changed behind its back`);
    // a volume changed: the layout is the same, so the direct path reads it, and its hash differs
    const volume = Buffer.from(good);
    volume[good.length - 1_000 - 8 * 1_000]! ^= 1;
    writeFileSync(path, volume);
    const out = emptyColumns('M', 30_000);
    expect(readBarFileInto(path, good.length, out, 0, new ReadBuffer())?.sha256).not.toBe(series.partitions[1]!.sha256);
    expect(() => store.read('M')).toThrow(refused);
    // the last byte of the footer changed: no longer the layout it writes, so the whole-file read refuses it, the same way
    const footer = Buffer.from(good);
    footer[good.length - 11]! ^= 0xff;
    writeFileSync(path, footer);
    expect(readBarFileInto(path, good.length, out, 0, new ReadBuffer())).toBeUndefined();
    expect(() => store.read('M')).toThrow(refused);
    writeFileSync(path, good);
    expect(rows(store.read('M').columns, 0, 30_000)).toEqual(rows(bars, 0, 30_000));
  });
});
