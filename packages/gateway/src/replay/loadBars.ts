import { readFileSync } from 'node:fs';
import { barFileSpec, parseCsvBars, type Bar } from '@pounce/core';

/** Loads CSV bar files (formats of shared/data), one symbol per file. */
export function loadBarFiles(specs: readonly string[], zone?: string): Bar[] {
  return specs.flatMap((spec) => {
    const { symbol, path } = barFileSpec(spec);
    return parseCsvBars(readFileSync(path, 'utf8'), { symbol, source: path, zone });
  });
}
