import { basename } from 'node:path';

/**
 * A data-file argument: `SYM=path.csv` names the symbol explicitly; otherwise the file name's
 * first token is the symbol (`nvda-1999-2014.csv` -> `NVDA`).
 *
 * @example
 * ```ts
 * barFileSpec('IDX=data/2006-min-005.csv'); // { symbol: 'IDX', path: 'data/2006-min-005.csv' }
 * ```
 */
export function barFileSpec(spec: string): { symbol: string; path: string } {
  const eq = spec.indexOf('=');
  if (eq > 0 && !spec.slice(0, eq).includes('/')) return { symbol: spec.slice(0, eq).toUpperCase(), path: spec.slice(eq + 1) };
  return { symbol: basename(spec).split(/[-_.]/)[0]!.toUpperCase(), path: spec };
}
