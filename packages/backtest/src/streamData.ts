import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { barFileSpec, csvTimeSpan, readCsvBars } from '@pounce/core';
import { mergeSlices, type MarketBar } from '@pounce/matching';
import { isStoreSpec } from '@pounce/store';
import type { LoadedData } from './loadData.ts';
import { openStoreSpec, type DataSources } from './storeData.ts';

export interface StreamedData {
  /** Time slices across all files, read from disk as the replay asks for them (one pass). */
  slices: Iterable<MarketBar[]>;
  /** The symbols of the files (what the backtest venue trades), in name order. */
  symbols: readonly string[];
  /** Same definition as loadData's, computed by a hashing pass before the replay. */
  fingerprint: string;
  /** Per file; bars, first and last are filled in as the replay reads the file. */
  files: LoadedData['files'];
  /** Share of the files' bytes read so far, 0..1, and 1 once every file is done (a --to range stops early). */
  progress(): number;
}

/**
 * Like loadData, but streams: each CSV is read a chunk at a time, a stored series a year at a time,
 * while the backtest runs, so memory stays flat however large the files (rows must be in time
 * order within a file). Bars
 * outside [from, to) are skipped; a file with none is an error as soon as the replay starts.
 *
 * @example
 * ```ts
 * const data = streamData(['NVDA=packages/gateway/data/nvda-1999-2014.csv']);
 * const r = await runBacktest({ def, bars: data, keepDetail: false });
 * ```
 */
export function streamData(specs: readonly string[], range: { from?: number; to?: number } = {}, where: DataSources = {}): StreamedData {
  if (specs.length === 0) throw new Error('--data: at least one CSV file is needed');
  const hash = createHash('sha256');
  // Every file is open at once (one reader per symbol): 4 MiB of read buffers in all, 8-64 KiB each.
  const chunkBytes = Math.min(1 << 16, Math.max(1 << 13, Math.floor((1 << 22) / specs.length)));
  const parsed = specs.map((spec) => {
    if (isStoreSpec(spec)) {
      // A stored series is read a partition (year) at a time, bars made as the replay takes them.
      const { store, series } = openStoreSpec(spec, hash, where);
      const read = (onBytes: (n: number) => void) => store.bars(series, range, onBytes);
      return { spec, symbol: series.symbol, path: series.dir, size: series.partitions.reduce((n, p) => n + p.bytes, 0), read };
    }
    const { symbol, path } = barFileSpec(spec);
    let size: number;
    try {
      size = statSync(path).size;
      hashFile(path, (chunk) => hash.update(chunk), symbol);
    } catch {
      throw new Error(`--data ${spec}: cannot read ${path}`);
    }
    const read = (onBytes: (n: number) => void) => readCsvBars(path, { symbol, source: path, chunkBytes, onBytes: (c) => onBytes(c.length) });
    return { spec, symbol, path, size, read };
  });
  const totalBytes = parsed.reduce((n, f) => n + f.size, 0);
  let bytesRead = 0;
  let filesDone = 0;
  const done = () => void filesDone++;
  const files: LoadedData['files'] = parsed.map((f) => ({ symbol: f.symbol, path: f.path, bars: 0, first: NaN, last: NaN }));
  // One source per symbol, in name order, as loadData's slices have them (the order strategies see
  // bars within a step); a symbol split over several files reads them one after another.
  const symbols = [...new Set(parsed.map((f) => f.symbol))].sort();
  const sources = symbols.map((symbol) =>
    inTimeOrder(
      symbol,
      parsed.flatMap((f, i) => (f.symbol === symbol ? [() => inRange(f.spec, f.read((n) => (bytesRead += n)), range, files[i]!, done)] : [])),
    ),
  );
  return { slices: mergeSlices(sources), symbols, fingerprint: hash.digest('hex'), files, progress: () => (filesDone === files.length || totalBytes === 0 ? 1 : bytesRead / totalBytes) };
}

/**
 * Whether streamData can replay these CSV files as loadData would: the rows of each file in
 * strictly rising time order, and the files of one symbol following each other without overlap.
 * Reads the date and time fields only (csvTimeSpan). A file that cannot be read, or holds rows out
 * of order, is left to loadData (which names the problem or sorts the rows).
 *
 * @example
 * ```ts
 * const data = canStream(specs) ? streamData(specs) : loadData(specs);
 * ```
 */
export function canStream(specs: readonly string[]): boolean {
  const lastOf = new Map<string, string>();
  for (const spec of specs) {
    if (isStoreSpec(spec)) continue;
    const { symbol, path } = barFileSpec(spec);
    let span;
    try {
      span = csvTimeSpan(path);
    } catch {
      return false;
    }
    if (!span.ordered) return false;
    if (span.first === undefined || span.last === undefined) continue;
    const before = lastOf.get(symbol);
    if (before !== undefined && before >= span.first) return false;
    lastOf.set(symbol, span.last);
  }
  return true;
}

/** The files of one symbol, read one after another; each must start after the previous one ends. */
function* inTimeOrder(symbol: string, files: ReadonlyArray<() => Iterable<MarketBar>>): Generator<MarketBar> {
  let last = -Infinity;
  for (const open of files) {
    let first = true;
    for (const b of open()) {
      if (first && b.time <= last) throw new Error(`--data: the files of ${symbol} overlap in time; to stream them, give them in time order without overlap`);
      first = false;
      last = b.time;
      yield b;
    }
  }
}

/**
 * One read buffer for every file hashed: a megabyte per file, 500 files, was 500 MB of buffers
 * waiting for the collector (and malloc holding the pages after it).
 */
let hashBuffer: Buffer | undefined;

/** Hashes `symbol \0 bytes` in chunks: the same digest as hashing the whole text. */
function hashFile(path: string, update: (b: Buffer | string) => void, symbol: string): void {
  update(symbol);
  update('\0');
  const fd = openSync(path, 'r');
  try {
    const buf = (hashBuffer ??= Buffer.allocUnsafe(1 << 20));
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

function* inRange(spec: string, bars: Iterable<MarketBar>, range: { from?: number; to?: number }, summary: LoadedData['files'][number], done: () => void): Generator<MarketBar> {
  for (const b of bars) {
    if (range.to !== undefined && b.time >= range.to) break;
    if (range.from !== undefined && b.time < range.from) continue;
    if (summary.bars++ === 0) summary.first = b.time;
    summary.last = b.time;
    yield b;
  }
  if (summary.bars === 0) throw new Error(`--data ${spec}: no bars in the chosen date range`);
  done();
}
