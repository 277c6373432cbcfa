import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCsvBars, type Bar } from '@pounce/core';

/** `nvda-1999-2014.csv` -> `NVDA`; `SYM=path.csv` names the symbol explicitly. */
export function symbolForFile(spec: string): { symbol: string; path: string } {
  const eq = spec.indexOf('=');
  if (eq > 0 && !spec.slice(0, eq).includes('/')) return { symbol: spec.slice(0, eq).toUpperCase(), path: spec.slice(eq + 1) };
  return { symbol: basename(spec).split(/[-_.]/)[0]!.toUpperCase(), path: spec };
}

/** Loads CSV bar files (formats of shared/data), one symbol per file. */
export function loadBarFiles(specs: readonly string[], zone?: string): Bar[] {
  return specs.flatMap((spec) => {
    const { symbol, path } = symbolForFile(spec);
    return parseCsvBars(readFileSync(path, 'utf8'), { symbol, source: path, zone });
  });
}
