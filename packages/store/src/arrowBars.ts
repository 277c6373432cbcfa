import { DataType, Field, Float64, makeData, Precision, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, TimeUnit, TimestampMillisecond, type Data } from 'apache-arrow';
import { emptyColumns, VALUE_COLUMNS, type BarColumns } from './BarColumns.ts';

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
  // tableFromIPC reads foreign bytes as an empty table: the file format's magic tells them apart.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(6, bytes.byteLength)).toString('latin1') !== 'ARROW1') throw new Error(`${source}: not an Arrow IPC file (no ARROW1 magic)`);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new Error(`${source}: not an Arrow IPC file (${(err as Error).message})`);
  }
  const symbol = table.schema.metadata.get('pounce.symbol') ?? '';
  const timeData = columnData(table, 'time', source, (t) => DataType.isTimestamp(t) && t.unit === TimeUnit.MILLISECOND);
  const n = table.numRows;
  // One batch is what we write: its columns are views over the file's bytes.
  const cols = table.batches.length === 1 ? { ...emptyColumns(symbol, 0) } : emptyColumns(symbol, n);
  cols.time = timesOf(timeData, n);
  for (const k of VALUE_COLUMNS) {
    const parts = columnData(table, k, source, (t) => DataType.isFloat(t) && t.precision === Precision.DOUBLE);
    if (table.batches.length === 1) cols[k] = parts[0]!.values as Float64Array;
    else {
      let at = 0;
      for (const d of parts) {
        cols[k].set(d.values as Float64Array, at);
        at += d.length;
      }
    }
  }
  return cols;
}

function columnData(table: Table, name: string, source: string, typeOk: (t: DataType) => boolean): Data[] {
  const vec = table.getChild(name);
  if (!vec) throw new Error(`${source}: column "${name}": missing (expected time, ${VALUE_COLUMNS.join(', ')})`);
  if (!typeOk(vec.type)) throw new Error(`${source}: column "${name}": expected ${name === 'time' ? 'timestamp[ms]' : 'float64'}, got ${String(vec.type)}`);
  if (vec.nullCount > 0) throw new Error(`${source}: column "${name}": expected no nulls, got ${vec.nullCount}`);
  return vec.data as Data[];
}

/**
 * int64 ms -> double ms through two 32-bit halves (little-endian, as Arrow writes): several times
 * faster than a BigInt per value, and exact below 2^53 ms (year 285,000).
 */
function timesOf(parts: readonly Data[], n: number): Float64Array {
  const out = new Float64Array(n);
  let at = 0;
  for (const d of parts) {
    const v = d.values as BigInt64Array;
    const halves = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
    for (let i = 0; i < v.length; i++) out[at + i] = halves[2 * i + 1]! * 4294967296 + (halves[2 * i]! >>> 0);
    at += v.length;
  }
  return out;
}
