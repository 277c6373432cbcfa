import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type * as ArrowFile from 'apache-arrow/ipc/metadata/file';
import type * as Arrow from 'apache-arrow';
import { onFirstUse } from '@pounce/core';
import { timeHalvesInto } from './arrowBars.ts';
import { VALUE_COLUMNS, type BarColumns } from './BarColumns.ts';
import { FileSizeMismatch, PIECE, type ReadBuffer } from './partitionBytes.ts';

const apacheArrow = onFirstUse<typeof Arrow>(import.meta.url, 'apache-arrow');
/** The file footer's decoder: public in apache-arrow's package exports, not re-exported by its index. */
const arrowFooter = onFirstUse<typeof ArrowFile>(import.meta.url, 'apache-arrow/ipc/metadata/file');

/** The footer and the batch's metadata are a few hundred bytes: more is not a file encodeBarColumns wrote. */
const MAX_METADATA = 1 << 16;

const FIELDS = ['time', ...VALUE_COLUMNS] as const;
type Field = (typeof FIELDS)[number];

/** Where each column's values lie in a partition file: `rows` 8-byte values from `offset`. */
interface BarFileLayout {
  rows: number;
  columns: Array<{ field: Field; offset: number }>;
}

/**
 * Reads a partition file straight into `out` at rows [at, at + rows): each piece of the file is
 * read into the small buffer `piece`, hashed in file order, and the parts that are column values
 * are copied (times converted int64 -> double) into `out`. So the only fresh memory a read of
 * many files touches is the output columns: no buffer of a whole file, no second copy of it.
 * Returns the sha256 of all the file's bytes and the rows written: the caller checks both against
 * the manifest before it uses the rows. `undefined` when the file is not laid out as
 * encodeBarColumns writes it (one uncompressed batch of time + five float64 columns, no nulls)
 * or its rows do not fit `out` (nothing written), or it shrank while being read: the caller then
 * reads it whole (openBarFile), which overwrites those rows or names what is wrong. Throws
 * FileSizeMismatch, before reading any of it, for a file of another size.
 */
export function readBarFileInto(path: string, expectedBytes: number, out: BarColumns, at: number, piece: ReadBuffer): { sha256: string; rows: number } | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size !== expectedBytes) throw new FileSizeMismatch(path, size, expectedBytes);
    // A small file needs no piece of the full size (a multiple of 8: pieces hold whole values).
    const buf = piece.take((Math.min(PIECE, size) + 7) & ~7);
    const layout = barFileLayout(size, (offset, length) => (length <= buf.length && readSync(fd, buf, 0, length, offset) === length ? buf.subarray(0, length) : undefined));
    if (!layout || at < 0 || at + layout.rows > out.time.length) return undefined;
    // Column regions in file order; a piece never spans a region's edge, so it holds whole values.
    const regions = layout.columns.map((c) => ({ ...c, end: c.offset + layout.rows * 8 })).sort((a, b) => a.offset - b.offset);
    const hash = createHash('sha256');
    let pos = 0;
    let next = 0;
    while (pos < size) {
      const region = next < regions.length && pos >= regions[next]!.offset ? regions[next]! : undefined;
      const end = Math.min(pos + buf.length, region ? region.end : next < regions.length ? regions[next]!.offset : size);
      const got = readSync(fd, buf, 0, end - pos, pos);
      if (got !== end - pos) return undefined; // the file shrank since fstat: the whole read names it
      const bytes = buf.subarray(0, got);
      hash.update(bytes);
      if (region) {
        const row = at + (pos - region.offset) / 8;
        const values = got / 8;
        if (region.field === 'time') timeHalvesInto(new Int32Array(buf.buffer, buf.byteOffset, values * 2), out.time, row);
        else out[region.field].set(new Float64Array(buf.buffer, buf.byteOffset, values), row);
        if (end === region.end) next++;
      }
      pos = end;
    }
    return { sha256: hash.digest('hex'), rows: layout.rows };
  } finally {
    closeSync(fd);
  }
}

/**
 * The column offsets of a file as encodeBarColumns writes it, from its footer and its one batch's
 * metadata (read through `readAt`, which gives undefined past its buffer); undefined for any
 * other layout. Nothing here is trusted until the whole file's hash matches the manifest.
 */
function barFileLayout(size: number, readAt: (offset: number, length: number) => Uint8Array | undefined): BarFileLayout | undefined {
  try {
    // ... <footer> <int32 footer length> ARROW1
    const end = size >= 16 ? readAt(size - 10, 10) : undefined;
    if (!end || Buffer.from(end.buffer, end.byteOffset + 4, 6).toString('latin1') !== 'ARROW1') return undefined;
    const footerLength = Buffer.from(end.buffer, end.byteOffset, 4).readInt32LE(0);
    if (footerLength <= 0 || footerLength > MAX_METADATA || footerLength > size - 10) return undefined;
    const footerBytes = readAt(size - 10 - footerLength, footerLength);
    if (!footerBytes) return undefined;
    // apache-arrow's index first: loading it gives Schema the decode the footer's decoder calls.
    const { DataType, MessageHeader, Precision, TimeUnit } = apacheArrow();
    const footer = arrowFooter().Footer.decode(footerBytes.slice());
    const fields = footer.schema.fields;
    const typesOk = fields.length === FIELDS.length && fields.every((f, k) => f.name === FIELDS[k] && (k === 0 ? DataType.isTimestamp(f.type) && f.type.unit === TimeUnit.MILLISECOND : DataType.isFloat(f.type) && f.type.precision === Precision.DOUBLE));
    const block = footer.getRecordBatch(0);
    if (!typesOk || footer.numRecordBatches !== 1 || footer.numDictionaries !== 0 || !block) return undefined;
    const { offset, metaDataLength, bodyLength } = block;
    if (metaDataLength < 8 || metaDataLength > MAX_METADATA || offset + metaDataLength + bodyLength > size) return undefined;
    // <0xFFFFFFFF> <int32 metadata length> <Message flatbuffer> (padded), then the body.
    const meta = readAt(offset, metaDataLength);
    if (!meta) return undefined;
    const frame = Buffer.from(meta.buffer, meta.byteOffset, 8);
    const length = frame.readInt32LE(4);
    if (frame.readInt32LE(0) !== -1 || length <= 0 || length > metaDataLength - 8) return undefined;
    const message = apacheArrow().Message.decode(meta.slice(8, 8 + length));
    if (message.headerType !== MessageHeader.RecordBatch || message.bodyLength !== bodyLength) return undefined;
    const batch = (message as Arrow.Message<typeof MessageHeader.RecordBatch>).header();
    const rows = batch.length;
    if (batch.compression || batch.nodes.length !== FIELDS.length || batch.buffers.length !== 2 * FIELDS.length) return undefined;
    if (!batch.nodes.every((n) => n.length === rows && n.nullCount === 0)) return undefined;
    const body = offset + metaDataLength;
    const columns = FIELDS.map((field, k) => ({ field, region: batch.buffers[2 * k + 1]!, validity: batch.buffers[2 * k]! }));
    const ok = columns.every(({ region, validity }) => validity.length === 0 && region.length === rows * 8 && region.offset >= 0 && region.offset + region.length <= bodyLength);
    // readBarFileInto walks the regions in file order: they must not overlap.
    const sorted = columns.map(({ region }) => region).sort((a, b) => a.offset - b.offset);
    if (!ok || sorted.some((r, k) => k > 0 && r.offset < sorted[k - 1]!.offset + sorted[k - 1]!.length)) return undefined;
    return { rows, columns: columns.map(({ field, region }) => ({ field, offset: body + region.offset })) };
  } catch {
    return undefined; // not a flatbuffer we can read: the whole read names what is wrong
  }
}
