import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Bar } from '@pounce/core';
import { encodeBarColumns, openBarFile, type BarFile } from './arrowBars.ts';
import { readBarFileInto } from './barFileInto.ts';
import { barAt, emptyColumns, firstAtOrAfter, sliceColumns, VALUE_COLUMNS, type BarColumns } from './BarColumns.ts';
import { checkPeriod } from './barPeriod.ts';
import { FileSizeMismatch, ReadBuffer, readHashed } from './partitionBytes.ts';
import { checkStoreSymbol, STORE_SYMBOL } from './storeSymbol.ts';

/** One partition file: the bars of one symbol and period in one UTC calendar year. */
export interface StoredPartition {
  /** File name inside the series folder, e.g. `2004.arrow`. */
  file: string;
  bars: number;
  first: number;
  last: number;
  bytes: number;
  /** Of the file's bytes: a backtest's data fingerprint is built from these, and every read checks the file against it. */
  sha256: string;
}

/** The stored bars of one symbol and period (its manifest). */
export interface StoredSeries {
  symbol: string;
  period: string;
  /** The series folder, `<store>/<period>/<SYMBOL>`. */
  dir: string;
  bars: number;
  first: number;
  last: number;
  partitions: StoredPartition[];
}

export interface WriteResult {
  symbol: string;
  period: string;
  /** Bars that were not stored before. */
  added: number;
  /** Bars of the input already stored with the same values (an import repeated changes nothing). */
  alreadyStored: number;
  /** Partition files (re)written. */
  partitionsWritten: number;
}

/** Bounds of a read: bars with from <= time < to. */
export interface TimeRange {
  from?: number;
  to?: number;
}

const MANIFEST = 'manifest.json';

/**
 * The bar store: `<dir>/<period>/<SYMBOL>/<year>.arrow` partition files (see encodeBarColumns)
 * and a `manifest.json` per series listing them. Writes merge into what is stored: a bar stored
 * again with the same values is skipped, one with other values is refused (nothing is written),
 * unless `replace` replaces the stored series. The new state of a series is written in a folder
 * beside it (unchanged files hard-linked) and swapped in by two renames, so a failed import leaves
 * the previous series in place; an import killed between the two renames leaves it in
 * `<period>/.<SYMBOL>.old`, where the next import of the series puts it back.
 *
 * @example
 * ```ts
 * const store = new BarStore('.pounce/store');
 * store.write(columnsOf('NVDA', bars), 'day');
 * const { columns } = store.read('NVDA'); // the only stored period of NVDA
 * ```
 */
export class BarStore {
  constructor(readonly dir: string) {}

  /** Every stored series, by symbol then period. */
  list(): StoredSeries[] {
    if (!existsSync(this.dir)) return [];
    const out: StoredSeries[] = [];
    for (const p of readdirSync(this.dir, { withFileTypes: true })) {
      if (!p.isDirectory()) continue;
      for (const e of readdirSync(join(this.dir, p.name), { withFileTypes: true })) {
        // `.`-folders are an import's work beside a series (BarStore.write), not a series.
        if (e.isDirectory() && STORE_SYMBOL.test(e.name) && existsSync(join(this.dir, p.name, e.name, MANIFEST))) out.push(this.manifest(e.name, p.name));
      }
    }
    return out.sort((a, b) => (a.symbol === b.symbol ? a.period.localeCompare(b.period) : a.symbol.localeCompare(b.symbol)));
  }

  /** The stored series of `symbol` (of `period`, or its only period); the error says what is stored instead. */
  find(symbol: string, period?: string): StoredSeries {
    const sym = checkStoreSymbol(symbol, `store ${this.dir}: symbol`);
    if (period !== undefined) {
      checkPeriod(period);
      if (existsSync(join(this.dir, period, sym, MANIFEST))) return this.manifest(sym, period);
      const other = this.list().filter((s) => s.symbol === sym).map((s) => s.period);
      throw new Error(`store ${this.dir}: no ${period} bars of ${sym}${other.length ? ` (stored: ${other.join(', ')})` : `; import them: npm run pounce -- data import ${sym}=FILE.csv`}`);
    }
    const all = this.list().filter((s) => s.symbol === sym);
    if (all.length === 0) throw new Error(`store ${this.dir}: no bars of ${sym}; import them: npm run pounce -- data import ${sym}=FILE.csv`);
    if (all.length > 1) throw new Error(`store ${this.dir}: ${sym} is stored in periods ${all.map((s) => s.period).join(', ')}: name one, e.g. store:${sym}@${all[0]!.period}`);
    return all[0]!;
  }

  /**
   * Merges bars (one symbol, in time order) into the series of `period`. A bar whose time is
   * stored with other values is refused, naming `source`, the time and the field, before anything
   * is written; `replace` replaces the stored series (it stays readable until the new one is complete).
   */
  write(cols: BarColumns, period: string, opts: { replace?: boolean; source?: string } = {}): WriteResult {
    checkPeriod(period);
    const symbol = checkStoreSymbol(cols.symbol, 'BarStore.write: symbol');
    const source = opts.source ?? symbol;
    const dir = join(this.dir, period, symbol);
    restoreInterruptedSwap(dir);
    const old = !opts.replace && existsSync(join(dir, MANIFEST)) ? this.manifest(symbol, period) : undefined;
    const input = dedupe({ ...cols, symbol }, source);
    const result: WriteResult = { symbol, period, added: 0, alreadyStored: 0, partitionsWritten: 0 };
    // Every year's merge is checked before any file is written: a refused import changes nothing.
    const planned: Array<{ file: string; cols: BarColumns }> = [];
    for (const [year, part] of byYear(input)) {
      const file = `${year}.arrow`;
      const stored = old?.partitions.find((p) => p.file === file);
      const merged = stored ? merge(this.readPartition(old!, stored), part, { source, period, path: join(dir, file) }) : { cols: part, added: part.time.length };
      result.added += merged.added;
      result.alreadyStored += part.time.length - merged.added;
      if (merged.added > 0) planned.push({ file, cols: merged.cols });
    }
    if (planned.length === 0 && old) return result;
    // The new series is built in a folder beside the live one (unchanged files linked, not copied)
    // and swapped in whole: until then readers and a failed or killed import see the previous one.
    const next = besides(dir, 'new');
    rmSync(next, { recursive: true, force: true });
    mkdirSync(next, { recursive: true });
    try {
      const partitions = new Map((old?.partitions ?? []).map((p) => [p.file, p]));
      for (const p of partitions.values()) if (!planned.some((w) => w.file === p.file)) linkOrCopy(join(dir, p.file), join(next, p.file));
      for (const { file, cols: c } of planned) {
        const bytes = encodeBarColumns(c, period);
        writeFileSync(join(next, file), bytes);
        partitions.set(file, { file, bars: c.time.length, first: c.time[0]!, last: c.time[c.time.length - 1]!, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
        result.partitionsWritten++;
      }
      const list = [...partitions.values()].sort((a, b) => a.first - b.first);
      const manifest = { symbol, period, bars: list.reduce((n, p) => n + p.bars, 0), first: list[0]?.first ?? NaN, last: list[list.length - 1]?.last ?? NaN, partitions: list };
      writeFileSync(join(next, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
      swapIn(next, dir);
    } catch (err) {
      rmSync(next, { recursive: true, force: true });
      throw err;
    }
    return result;
  }

  /** The bars of a series in [from, to) as columns (one set of arrays for the whole range). */
  read(symbol: string, period?: string, range: TimeRange = {}): { series: StoredSeries; columns: BarColumns } {
    const series = this.find(symbol, period);
    const parts = inRange(series, range);
    // One set of arrays sized from the manifest, each file's values read straight into them
    // through one small piece buffer (readBarFileInto): the output columns are the only fresh
    // memory, and faulting it in is most of the read.
    const out = emptyColumns(series.symbol, parts.reduce((n, p) => n + p.bars, 0));
    const piece = new ReadBuffer();
    let whole: ReadBuffer | undefined;
    let at = 0;
    for (const p of parts) {
      if (!this.readPartitionInto(series, p, out, at, piece)) this.openPartition(series, p, (whole ??= new ReadBuffer())).copyInto(out, at);
      at += clipInPlace(out, at, p.bars, range);
    }
    return { series, columns: sliceColumns(out, 0, at) };
  }

  /**
   * The bars of a series in [from, to) as objects, one partition (year) in memory at a time:
   * what a streamed backtest consumes. `onBytes` is told each partition's size as it is read.
   */
  *bars(series: StoredSeries, range: TimeRange = {}, onBytes?: (n: number) => void): Generator<Bar> {
    // A file's columns are views over the buffer until the next file is read, and they are
    // consumed (as bar objects) before it is.
    const buffer = new ReadBuffer();
    for (const p of inRange(series, range)) {
      const c = clip(this.readPartition(series, p, buffer), range);
      onBytes?.(p.bytes);
      for (let i = 0; i < c.time.length; i++) yield barAt(c, i);
    }
  }

  /** A partition's columns; views over `buffer` (valid until its next file) when given. */
  private readPartition(series: StoredSeries, p: StoredPartition, buffer?: ReadBuffer): BarColumns {
    return { ...this.openPartition(series, p, buffer).columns(), symbol: series.symbol };
  }

  /** A partition file read, checked against its manifest entry and parsed (not yet converted). */
  private openPartition(series: StoredSeries, p: StoredPartition, buffer?: ReadBuffer): BarFile {
    const path = join(series.dir, p.file);
    let read: { bytes: Buffer; sha256: string };
    try {
      read = readHashed(path, buffer, p.bytes);
    } catch (err) {
      throw unreadable(series, path, err);
    }
    // The manifest's sha256s are a backtest's data fingerprint: a file that no longer matches
    // them is refused, so no run reads other bars than the fingerprint names. The hash is of the
    // very bytes decoded below, taken piece by piece as they are read.
    checkAgainstManifest(series, p, read.sha256);
    const file = openBarFile(read.bytes, path);
    checkAgainstManifest(series, p, read.sha256, file.length);
    return file;
  }

  /**
   * A partition's rows read straight into `out` at row `at` (readBarFileInto), then checked
   * against its manifest entry (a changed file throws, naming it: the rows written are never
   * returned); false, with nothing written, when its layout needs the whole-file read.
   */
  private readPartitionInto(series: StoredSeries, p: StoredPartition, out: BarColumns, at: number, piece: ReadBuffer): boolean {
    const path = join(series.dir, p.file);
    let read: { sha256: string; rows: number } | undefined;
    try {
      read = readBarFileInto(path, p.bytes, out, at, piece);
    } catch (err) {
      throw unreadable(series, path, err);
    }
    if (!read) return false;
    checkAgainstManifest(series, p, read.sha256, read.rows);
    return true;
  }

  private manifest(symbol: string, period: string): StoredSeries {
    const dir = join(this.dir, period, symbol);
    const path = join(dir, MANIFEST);
    let m: Partial<StoredSeries>;
    try {
      m = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredSeries>;
    } catch (err) {
      throw new Error(`${path}: unreadable manifest (${(err as Error).message})`);
    }
    if (!Array.isArray(m.partitions) || typeof m.bars !== 'number') throw new Error(`${path}: expected a manifest with bars and partitions`);
    // Each read checks its file against these: a field of another type would skip or fail every check.
    m.partitions.forEach((p: Partial<StoredPartition>, k) => {
      const ok = typeof p.file === 'string' && typeof p.sha256 === 'string' && Number.isSafeInteger(p.bytes) && Number.isSafeInteger(p.bars);
      if (!ok) throw new Error(`${path}: partitions[${k}]: expected file, bars, bytes and sha256, got ${JSON.stringify(p)}`);
    });
    return { symbol, period, dir, bars: m.bars, first: Number(m.first), last: Number(m.last), partitions: m.partitions };
  }
}

function unreadable(series: StoredSeries, path: string, err: unknown): Error {
  if (err instanceof FileSizeMismatch) return new Error(`${path}: ${err.size} bytes, the manifest says ${err.expected}: the store was changed behind its back; import the data again with --replace`);
  return new Error(`store: cannot read ${path} (listed in ${join(series.dir, MANIFEST)})`);
}

/** Throws, naming the file, when its hash (or its row count, once known) is not its manifest entry's. */
function checkAgainstManifest(series: StoredSeries, p: StoredPartition, sha256: string, rows?: number): void {
  const path = join(series.dir, p.file);
  if (sha256 !== p.sha256) throw new Error(`${path}: sha256 ${sha256.slice(0, 16)}.. differs from ${p.sha256.slice(0, 16)}.. in ${join(series.dir, MANIFEST)}: the store was changed behind its back; import the data again with --replace`);
  if (rows !== undefined && rows !== p.bars) throw new Error(`${path}: ${rows} bars, the manifest says ${p.bars}: the store was changed behind its back; import the data again with --replace`);
}

/** `<period>/.<SYMBOL>.<what>`: a folder beside the series that no symbol can name (see STORE_SYMBOL). */
function besides(dir: string, what: 'new' | 'old'): string {
  return join(dirname(dir), `.${basename(dir)}.${what}`);
}

/**
 * Puts the complete folder `next` in place of the series `dir` by two renames (a folder cannot be
 * renamed over a non-empty one); a failed second rename puts the previous series back.
 */
function swapIn(next: string, dir: string): void {
  const prev = besides(dir, 'old');
  rmSync(prev, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, prev);
  try {
    renameSync(next, dir);
  } catch (err) {
    if (existsSync(prev)) renameSync(prev, dir);
    throw err;
  }
  rmSync(prev, { recursive: true, force: true });
}

/** A process killed between swapIn's two renames left the previous series beside: put it back. */
function restoreInterruptedSwap(dir: string): void {
  const prev = besides(dir, 'old');
  if (!existsSync(dir) && existsSync(join(prev, MANIFEST))) renameSync(prev, dir);
}

/** A hard link shares the unchanged file's bytes; a copy where the file system has none. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

function inRange(series: StoredSeries, r: TimeRange): StoredPartition[] {
  return series.partitions.filter((p) => (r.from === undefined || p.last >= r.from) && (r.to === undefined || p.first < r.to));
}

function clip(c: BarColumns, r: TimeRange): BarColumns {
  if (r.from === undefined && r.to === undefined) return c;
  const a = r.from === undefined ? 0 : firstAtOrAfter(c.time, r.from);
  const b = r.to === undefined ? c.time.length : firstAtOrAfter(c.time, r.to);
  return sliceColumns(c, a, b);
}

/**
 * Clips the `n` rows written at `at` to the range, moving the kept ones down to `at`; returns
 * how many are kept.
 */
function clipInPlace(c: BarColumns, at: number, n: number, r: TimeRange): number {
  if (r.from === undefined && r.to === undefined) return n;
  const rows = c.time.subarray(at, at + n);
  const a = r.from === undefined ? 0 : firstAtOrAfter(rows, r.from);
  const b = r.to === undefined ? n : firstAtOrAfter(rows, r.to);
  if (a > 0) for (const k of FIELDS) c[k].copyWithin(at, at + a, at + b);
  return b - a;
}

/** Rows split by UTC calendar year (rows are in time order). */
function* byYear(c: BarColumns): Generator<[number, BarColumns]> {
  let start = 0;
  while (start < c.time.length) {
    const year = new Date(c.time[start]!).getUTCFullYear();
    const end = firstAtOrAfter(c.time, Date.UTC(year + 1, 0, 1));
    yield [year, sliceColumns(c, start, end)];
    start = end;
  }
}

const FIELDS = ['time', ...VALUE_COLUMNS] as const;

function differingField(a: BarColumns, i: number, b: BarColumns, j: number): (typeof VALUE_COLUMNS)[number] | undefined {
  return VALUE_COLUMNS.find((k) => a[k][i] !== b[k][j]);
}

function conflict(where: string, symbol: string, t: number, field: string, stored: number, got: number, hint: string): Error {
  return new Error(`${where}: ${symbol} ${new Date(t).toISOString()}: ${field} ${got} differs from ${stored} ${hint}`);
}

/** Input rows in time order with repeated times dropped when equal, refused when not. */
function dedupe(c: BarColumns, source: string): BarColumns {
  for (let i = 1; i < c.time.length; i++) {
    if (c.time[i]! < c.time[i - 1]!) throw new Error(`${source}: ${c.symbol}: bars must be in time order to be stored (bar ${i} is before bar ${i - 1})`);
  }
  let dups = 0;
  for (let i = 1; i < c.time.length; i++) {
    if (c.time[i] !== c.time[i - 1]) continue;
    const k = differingField(c, i, c, i - 1);
    if (k) throw conflict(source, c.symbol, c.time[i]!, k, c[k][i - 1]!, c[k][i]!, 'in an earlier row with the same time');
    dups++;
  }
  if (dups === 0) return c;
  const out = emptyColumns(c.symbol, c.time.length - dups);
  let n = 0;
  for (let i = 0; i < c.time.length; i++) {
    if (i > 0 && c.time[i] === c.time[i - 1]) continue;
    for (const k of FIELDS) out[k][n] = c[k][i]!;
    n++;
  }
  return out;
}

/** Stored and new rows of one partition merged by time; a time in both must hold the same bar. */
function merge(stored: BarColumns, add: BarColumns, at: { source: string; period: string; path: string }): { cols: BarColumns; added: number } {
  const out = emptyColumns(stored.symbol, stored.time.length + add.time.length);
  let i = 0;
  let j = 0;
  let n = 0;
  let added = 0;
  const take = (c: BarColumns, k: number) => {
    for (const f of FIELDS) out[f][n] = c[f][k]!;
    n++;
  };
  while (i < stored.time.length || j < add.time.length) {
    const ts = i < stored.time.length ? stored.time[i]! : Infinity;
    const ta = j < add.time.length ? add.time[j]! : Infinity;
    if (ts < ta) take(stored, i++);
    else if (ta < ts) {
      take(add, j++);
      added++;
    } else {
      const k = differingField(stored, i, add, j);
      if (k) throw conflict(at.source, stored.symbol, ts, k, stored[k][i]!, add[k][j]!, `in the store (${at.path}); pass --replace to replace the stored ${stored.symbol} ${at.period} bars`);
      take(stored, i++);
      j++;
    }
  }
  return { cols: sliceColumns(out, 0, n), added };
}
