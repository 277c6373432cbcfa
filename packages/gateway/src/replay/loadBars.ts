import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { barFileSpec, parseCsvBars, type Bar } from '@pounce/core';
import { barAt, BarStore, DEFAULT_STORE_DIR, isStoreSpec, parseStoreSpec } from '@pounce/store';

/**
 * Loads CSV bar files (formats of shared/data), one symbol per file, and `store:SYM[@PERIOD]`
 * series of the bar store in `storeDir` (default DEFAULT_STORE_DIR).
 */
export function loadBarFiles(specs: readonly string[], zone?: string, storeDir?: string): Bar[] {
  return specs.flatMap((spec) => {
    if (isStoreSpec(spec)) {
      const { symbol, period } = parseStoreSpec(spec);
      const { columns } = new BarStore(resolve(storeDir ?? DEFAULT_STORE_DIR)).read(symbol, period);
      return Array.from({ length: columns.time.length }, (_, i) => barAt(columns, i));
    }
    const { symbol, path } = barFileSpec(spec);
    return parseCsvBars(readFileSync(path, 'utf8'), { symbol, source: path, zone });
  });
}
