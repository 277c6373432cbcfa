import type * as Arrow from 'apache-arrow';
import { onFirstUse } from '@pounce/core';
import { emptyColumns, VALUE_COLUMNS, type BarColumns } from './BarColumns.ts';

/** apache-arrow (150 modules), loaded when a store is first read or written: a CSV backtest never needs it. */
const apacheArrow = onFirstUse<typeof Arrow>(import.meta.url, 'apache-arrow');

/**
 * One partition file's bytes: an Arrow IPC file (metadata V5, the format Feather v2 names) with
 * one record batch of `time: timestamp[ms]` and five float64 columns,
 * none nullable, uncompressed so a read is a copy-free view. The symbol and period ride in the
 * schema metadata.
 *
 * @example
 * ```ts
 * const bytes = encodeBarColumns(columnsOf('NVDA', bars), 'day');
 * decodeBarColumns(bytes, 'NVDA.arrow').close; // Float64Array of the closes
 * ```
 */
export function encodeBarColumns(c: BarColumns, period: string): Uint8Array {
  const { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, TimestampMillisecond } = apacheArrow();
  const n = c.time.length;
  const time = new BigInt64Array(n);
  for (let i = 0; i < n; i++) time[i] = BigInt(c.time[i]!);
  const fields = [new Field('time', new TimestampMillisecond(), false), ...VALUE_COLUMNS.map((k) => new Field(k, new Float64(), false))];
  const schema = new Schema(fields, new Map([['pounce.symbol', c.symbol], ['pounce.period', period]]));
  const children = [makeData({ type: new TimestampMillisecond(), data: time, length: n, nullCount: 0 }), ...VALUE_COLUMNS.map((k) => makeData({ type: new Float64(), data: c[k], length: n, nullCount: 0 }))];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  return tableToIPC(new Table(schema, [batch]), 'file');
}

/** The columns of a partition file, checked against the layout encodeBarColumns writes; errors name `source`. */
export function decodeBarColumns(bytes: Uint8Array, source: string): BarColumns {
  return openBarFile(bytes, source).columns();
}

/**
 * A partition file parsed and checked (see decodeBarColumns), its columns not yet converted:
 * `columns()` gives them as views over the file's bytes (times converted into a new array),
 * `copyInto` converts and copies them into a caller's arrays, so a series read from many files
 * is built in one set of arrays with no array per file.
 */
export interface BarFile {
  /** From the schema metadata (`pounce.symbol`). */
  symbol: string;
  /** Rows in the file. */
  length: number;
  columns(): BarColumns;
  /** Writes the file's rows to `out` at rows [at, at + length); refuses if they do not fit. */
  copyInto(out: BarColumns, at: number): void;
}

/**
 * Parses a partition file and checks its layout; errors name `source`.
 *
 * @example
 * ```ts
 * const file = openBarFile(bytes, '2004.arrow');
 * const out = emptyColumns('NVDA', file.length);
 * file.copyInto(out, 0);
 * ```
 */
export function openBarFile(bytes: Uint8Array, source: string): BarFile {
  // tableFromIPC reads foreign bytes as an empty table: the file format's magic tells them apart.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(6, bytes.byteLength)).toString('latin1') !== 'ARROW1') throw new Error(`${source}: not an Arrow IPC file (no ARROW1 magic)`);
  const { DataType, Precision, tableFromIPC, TimeUnit } = apacheArrow();
  let table: Arrow.Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new Error(`${source}: not an Arrow IPC file (${(err as Error).message})`);
  }
  const symbol = table.schema.metadata.get('pounce.symbol') ?? '';
  const length = table.numRows;
  const time = columnData(table, 'time', source, (t) => DataType.isTimestamp(t) && t.unit === TimeUnit.MILLISECOND).map((d) => d.values as BigInt64Array);
  const values = VALUE_COLUMNS.map((k) => columnData(table, k, source, (t) => DataType.isFloat(t) && t.precision === Precision.DOUBLE).map((d) => d.values as Float64Array));
  const copyInto = (out: BarColumns, at: number): void => {
    if (at < 0 || at + length > out.time.length) throw new Error(`${source}: ${length} rows do not fit at row ${at} of ${out.time.length}`);
    let row = at;
    for (const part of time) {
      timesInto(part, out.time, row);
      row += part.length;
    }
    VALUE_COLUMNS.forEach((k, j) => {
      let r = at;
      for (const part of values[j]!) {
        out[k].set(part, r);
        r += part.length;
      }
    });
  };
  const columns = (): BarColumns => {
    // One batch is what we write: its value columns are views over the file's bytes.
    if (time.length !== 1) {
      const out = emptyColumns(symbol, length);
      copyInto(out, 0);
      return out;
    }
    const out = { ...emptyColumns(symbol, 0), time: new Float64Array(length) };
    timesInto(time[0]!, out.time, 0);
    VALUE_COLUMNS.forEach((k, j) => (out[k] = values[j]![0]!));
    return out;
  };
  return { symbol, length, columns, copyInto };
}

function columnData(table: Arrow.Table, name: string, source: string, typeOk: (t: Arrow.DataType) => boolean): Arrow.Data[] {
  const vec = table.getChild(name);
  if (!vec) throw new Error(`${source}: column "${name}": missing (expected time, ${VALUE_COLUMNS.join(', ')})`);
  if (!typeOk(vec.type)) throw new Error(`${source}: column "${name}": expected ${name === 'time' ? 'timestamp[ms]' : 'float64'}, got ${String(vec.type)}`);
  if (vec.nullCount > 0) throw new Error(`${source}: column "${name}": expected no nulls, got ${vec.nullCount}`);
  return vec.data as Arrow.Data[];
}

/**
 * int64 ms -> double ms written to out[at..], through two 32-bit halves (little-endian, as Arrow
 * writes): several times faster than a BigInt per value. hi * 2^32 is exact and the sum is
 * rounded once, so every value is exact below 2^53 ms (year 285,000) and beyond it is the
 * nearest double, as Number(bigint) gives.
 */
function timesInto(v: BigInt64Array, out: Float64Array, at: number): void {
  timeHalvesInto(new Int32Array(v.buffer, v.byteOffset, v.length * 2), out, at);
}

/** timesInto over the int64 values' 32-bit halves (a file's bytes read into a buffer of its own). */
export function timeHalvesInto(halves: Int32Array, out: Float64Array, at: number): void {
  const n = halves.length >>> 1;
  for (let i = 0; i < n; i++) out[at + i] = halves[2 * i + 1]! * 4294967296 + (halves[2 * i]! >>> 0);
}
