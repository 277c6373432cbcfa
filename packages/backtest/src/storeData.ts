import type { Hash } from 'node:crypto';
import { resolve } from 'node:path';
import { BarStore, DEFAULT_STORE_DIR, parseStoreSpec, type StoredSeries } from '@pounce/store';

/** Where `store:` data specs are read from (default: DEFAULT_STORE_DIR in the working folder). */
export interface DataSources {
  storeDir?: string;
}

/**
 * The stored series a `store:SYM[@PERIOD]` spec names, and its store. The series is hashed into
 * `hash` as a CSV file is (symbol, then content), the content being the partition files' sha256
 * from the manifest, without a pass over the files; each file is checked against its sha256 as it
 * is read, so a run whose files were changed since they were stored fails instead of reporting
 * other bars under this fingerprint.
 */
export function openStoreSpec(spec: string, hash: Hash, sources: DataSources = {}): { store: BarStore; series: StoredSeries } {
  const { symbol, period } = parseStoreSpec(spec);
  const store = new BarStore(resolve(sources.storeDir ?? DEFAULT_STORE_DIR));
  const series = store.find(symbol, period);
  hash.update(series.symbol).update('\0').update(`store ${series.period}\n${series.partitions.map((p) => p.sha256).join('\n')}`);
  return { store, series };
}
