import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { barFileSpec, parseCsvBars } from '@pounce/core';
import type { MarketBar } from '@pounce/matching';
import { barAt, isStoreSpec } from '@pounce/store';
import { openStoreSpec, type DataSources } from './storeData.ts';

export interface LoadedData {
  bars: MarketBar[];
  /** sha256 over each file's symbol and bytes: a report says exactly what it was run on. */
  fingerprint: string;
  files: Array<{ symbol: string; path: string; bars: number; first: number; last: number }>;
}

/** Parses an ISO date (`2004-01-31`) or epoch ms given on the command line. */
export function parseDateFlag(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t)) throw new Error(`--${flag}: expected a date like 2004-01-31, got "${v}"`);
  return t;
}

/** Loads CSV files (formats of shared/data) and `store:SYM[@PERIOD]` series of the bar store, keeping bars in [from, to). */
export function loadData(specs: readonly string[], range: { from?: number; to?: number } = {}, sources: DataSources = {}): LoadedData {
  if (specs.length === 0) throw new Error('--data: at least one CSV file is needed');
  const hash = createHash('sha256');
  const bars: MarketBar[] = [];
  const files: LoadedData['files'] = [];
  for (const spec of specs) {
    if (isStoreSpec(spec)) {
      const { store, series } = openStoreSpec(spec, hash, sources);
      const { columns: c } = store.read(series.symbol, series.period, range);
      const n = c.time.length;
      if (n === 0) throw new Error(`--data ${spec}: no bars in the chosen date range`);
      files.push({ symbol: series.symbol, path: series.dir, bars: n, first: c.time[0]!, last: c.time[n - 1]! });
      for (let i = 0; i < n; i++) bars.push(barAt(c, i));
      continue;
    }
    const { symbol, path } = barFileSpec(spec);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new Error(`--data ${spec}: cannot read ${path}`);
    }
    // Bytes, not decoded text: streamData hashes the same way without holding the file.
    hash.update(symbol).update('\0').update(bytes);
    const text = bytes.toString('utf8');
    const all = parseCsvBars(text, { symbol, source: path }).filter((b) => (range.from === undefined || b.time >= range.from) && (range.to === undefined || b.time < range.to));
    if (all.length === 0) throw new Error(`--data ${spec}: no bars in the chosen date range`);
    files.push({ symbol, path, bars: all.length, first: all[0]!.time, last: all[all.length - 1]!.time });
    for (const b of all) bars.push(b);
  }
  return { bars, fingerprint: hash.digest('hex'), files };
}
