import { fileURLToPath } from 'node:url';

/** Daily NVDA and ORCL history shipped with the gateway (copied from shared/data). */
export const DEFAULT_DATA_FILES = [
  fileURLToPath(new URL('../data/nvda-1999-2014.csv', import.meta.url)),
  fileURLToPath(new URL('../data/orcl-1995-2014.csv', import.meta.url)),
];
