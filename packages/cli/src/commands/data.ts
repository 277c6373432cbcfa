import { resolve } from 'node:path';
import { BarStore, DEFAULT_STORE_DIR, importCsv, type StoredSeries } from '@pounce/store';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';

const STORE_OPTION = { store: { type: 'string', value: 'DIR', help: `bar store folder (default ${DEFAULT_STORE_DIR})` } } as const;

const DATA_IMPORT_OPTIONS = {
  ...STORE_OPTION,
  period: { type: 'string', value: 'PERIOD', help: 'bar period: day, week, month or <n>min (default: from the bars\' smallest gap)' },
  zone: { type: 'string', value: 'ZONE', help: 'time zone the CSV times are written in (default America/New_York)' },
  replace: { type: 'boolean', help: 'replace the stored bars of each file\'s symbol and period instead of merging (merging refuses a changed bar)' },
} as const;

/** `pounce data import`: its one declaration, read by the parser and by `--help`. */
export const DATA_IMPORT_COMMAND = {
  name: 'data import',
  usage: '<SYM=FILE.csv | FILE.csv>... [options]',
  summary: 'Writes CSV bars (the formats backtest --data reads) once into the columnar bar store, one Arrow file per period, symbol and year; backtests read them with --data store:SYM. Importing a file again adds nothing.',
  options: DATA_IMPORT_OPTIONS,
  examples: ['npm run pounce -- data import NVDA=packages/gateway/data/nvda-1999-2014.csv'],
  doc: 'docs/data.md',
} as const satisfies CommandSpec<typeof DATA_IMPORT_OPTIONS>;

/** `pounce data list`. */
export const DATA_LIST_COMMAND = {
  name: 'data list',
  usage: '[--store DIR]',
  summary: 'Lists the bar store: each symbol and period with its bar count and first and last bar time (UTC).',
  options: STORE_OPTION,
  examples: ['npm run pounce -- data list'],
  doc: 'docs/data.md',
} as const satisfies CommandSpec<typeof STORE_OPTION>;

/** `pounce data info`. */
export const DATA_INFO_COMMAND = {
  name: 'data info',
  usage: '<SYMBOL> [--store DIR]',
  summary: 'Shows the stored bars of one symbol: per period its folder and each partition file with bars, time span, size and sha256.',
  options: STORE_OPTION,
  examples: ['npm run pounce -- data info NVDA'],
  doc: 'docs/data.md',
} as const satisfies CommandSpec<typeof STORE_OPTION>;

const utc = (t: number) => (Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16)}Z` : '-');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** `pounce data import <files...>`: each file merged into the store, one line per file. */
export function runDataImportCommand(argv: string[], out: (l: string) => void): number {
  const { values: v, positionals } = parseCommandArgs(DATA_IMPORT_COMMAND, argv);
  if (positionals.length === 0) throw new Error('usage: pounce data import <SYM=FILE.csv | FILE.csv>... (see docs/data.md)');
  const store = new BarStore(resolve(v.store ?? DEFAULT_STORE_DIR));
  for (const spec of positionals) {
    const r = importCsv(store, spec, { period: v.period, zone: v.zone, replace: v.replace });
    out(`${r.symbol.padEnd(8)} ${r.period.padEnd(6)} ${String(r.bars).padStart(9)} bars   ${String(r.added).padStart(9)} new   ${String(r.alreadyStored).padStart(9)} already stored   ${r.path}`);
  }
  out(`store    ${store.dir}`);
  return 0;
}

/** `pounce data list`: one line per stored symbol and period. */
export function runDataListCommand(argv: string[], out: (l: string) => void): number {
  const { values: v, positionals } = parseCommandArgs(DATA_LIST_COMMAND, argv);
  if (positionals.length > 0) throw new Error(`data list: unexpected argument "${positionals[0]!}" (data info ${positionals[0]!} shows one symbol)`);
  const store = new BarStore(resolve(v.store ?? DEFAULT_STORE_DIR));
  const all = store.list();
  if (all.length === 0) {
    out(`store    ${store.dir} is empty: npm run pounce -- data import SYM=FILE.csv`);
    return 0;
  }
  out(`${'symbol'.padEnd(8)} ${'period'.padEnd(6)} ${'bars'.padStart(10)}  ${'first'.padEnd(17)}  last`);
  for (const s of all) out(`${s.symbol.padEnd(8)} ${s.period.padEnd(6)} ${String(s.bars).padStart(10)}  ${utc(s.first).padEnd(17)}  ${utc(s.last)}`);
  out(`store    ${store.dir}   ${all.length} series, ${all.reduce((n, s) => n + s.bars, 0)} bars`);
  return 0;
}

/** `pounce data info SYM`: each stored period of one symbol, file by file. */
export function runDataInfoCommand(argv: string[], out: (l: string) => void): number {
  const { values: v, positionals } = parseCommandArgs(DATA_INFO_COMMAND, argv);
  if (positionals.length !== 1) throw new Error('usage: pounce data info <SYMBOL> [--store DIR]');
  const store = new BarStore(resolve(v.store ?? DEFAULT_STORE_DIR));
  const symbol = positionals[0]!.toUpperCase();
  const series = store.list().filter((s) => s.symbol === symbol);
  if (series.length === 0) store.find(symbol); // throws, saying how to import it
  series.forEach((s, i) => {
    if (i > 0) out('');
    printSeries(s, out);
  });
  return 0;
}

function printSeries(s: StoredSeries, out: (l: string) => void): void {
  const bytes = s.partitions.reduce((n, p) => n + p.bytes, 0);
  out(`${s.symbol} ${s.period}   ${s.bars} bars   ${utc(s.first)} .. ${utc(s.last)}   ${s.partitions.length} files, ${kb(bytes)}   read as --data store:${s.symbol}@${s.period}`);
  out(`folder   ${s.dir}`);
  out(`  ${'file'.padEnd(12)} ${'bars'.padStart(8)}  ${'first'.padEnd(17)}  ${'last'.padEnd(17)}  ${'size'.padStart(11)}  sha256`);
  for (const p of s.partitions) out(`  ${p.file.padEnd(12)} ${String(p.bars).padStart(8)}  ${utc(p.first).padEnd(17)}  ${utc(p.last).padEnd(17)}  ${kb(p.bytes).padStart(11)}  ${p.sha256.slice(0, 16)}`);
}
