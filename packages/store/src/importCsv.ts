import { readFileSync } from 'node:fs';
import { barFileSpec, parseCsvBars } from '@pounce/core';
import { columnsOf, type BarColumns } from './BarColumns.ts';
import { checkPeriod, inferPeriod } from './barPeriod.ts';
import type { BarStore, WriteResult } from './BarStore.ts';
import { checkStoreSymbol } from './storeSymbol.ts';

export interface CsvImport extends WriteResult {
  path: string;
  /** Bars in the file. */
  bars: number;
}

/**
 * Reads one CSV file (`SYM=path` or a path whose name starts with the symbol; the formats of
 * parseCsvBars, rows in any order) into the store. The period is `period` or inferred from the
 * bars' smallest gap. Bad rows are errors naming the file, line and column.
 *
 * @example
 * ```ts
 * importCsv(new BarStore('.pounce/store'), 'NVDA=packages/gateway/data/nvda-1999-2014.csv');
 * // { symbol: 'NVDA', period: 'day', bars: 3774, added: 3774, alreadyStored: 0, ... }
 * ```
 */
export function importCsv(store: BarStore, spec: string, opts: { period?: string; zone?: string; replace?: boolean } = {}): CsvImport {
  const { symbol: named, path } = barFileSpec(spec);
  // The symbol names a store folder: checked before the file is read (a file `.x.csv` names none).
  const symbol = checkStoreSymbol(named, `data import ${spec}: symbol (from ${spec.includes('=') ? 'SYM=' : 'the file name'})`);
  const cols = readCsvColumns(symbol, path, opts.zone);
  const period = opts.period !== undefined ? checkPeriod(opts.period) : inferPeriod(cols.time);
  if (period === undefined) throw new Error(`${path}: cannot tell the bar period from ${cols.time.length === 1 ? 'one bar' : 'the bar times'}: pass --period (day, 1min, 5min, ...)`);
  return { ...store.write(cols, period, { replace: opts.replace, source: path }), path, bars: cols.time.length };
}

/** A CSV file's bars as columns in time order (parseCsvBars sorts them). */
export function readCsvColumns(symbol: string, path: string, zone?: string): BarColumns {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${path}: cannot read the file`);
  }
  const bars = parseCsvBars(text, { symbol, source: path, zone });
  if (bars.length === 0) throw new Error(`${path}: no bars (a header and at least one row are needed)`);
  return columnsOf(symbol, bars);
}
