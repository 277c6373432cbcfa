import { fileURLToPath } from 'node:url';

const file = (name: string) => fileURLToPath(new URL(`../data/${name}`, import.meta.url));

/**
 * Market data shipped with the gateway (copied from shared/data): daily NVDA 1999-2014 and ORCL
 * 1995-2014, and 5-minute bars of an index for 2006 as symbol IDX.
 */
export const DEFAULT_DATA: Readonly<Record<string, string>> = {
  NVDA: file('nvda-1999-2014.csv'),
  ORCL: file('orcl-1995-2014.csv'),
  IDX: file('idx-5min-2006.csv'),
};

/** `SYMBOL=path` specs for the shipped files of `symbols` (all of them when none are given). */
export function defaultDataFiles(symbols?: readonly string[]): string[] {
  return Object.entries(DEFAULT_DATA)
    .filter(([s]) => !symbols || symbols.includes(s))
    .map(([s, p]) => `${s}=${p}`);
}
