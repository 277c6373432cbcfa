import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BarStore, emptyColumns } from '@pounce/store';
import type { BenchResult } from './types.ts';

const SYMBOL = 'BENCH';
const PERIOD = '1min';
const MINUTE = 60_000;
/** Whole-series reads timed (the median is the row). */
const READS = 3;

/**
 * The bar store read back: `bars` one-minute bars of one symbol (a seeded random walk, every
 * minute of the day, so one Arrow file per UTC year of ~526k bars) written once to the temp
 * folder by a child process, so this process's peak RSS is the read's alone. Reads over every
 * file: the bar-object stream a backtest consumes (BarStore.bars, one year held at a time), then
 * the whole series as Float64 columns (BarStore.read), READS times.
 */
export function storeRead(bars = 5_000_000): BenchResult[] {
  const dir = join(tmpdir(), `pounce-bench-store-${bars}`);
  if (!existsSync(join(dir, PERIOD, SYMBOL, 'manifest.json'))) {
    const tsx = new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url).href;
    execFileSync(process.execPath, ['--import', tsx, fileURLToPath(import.meta.url), 'generate', dir, String(bars)], { stdio: 'inherit' });
  }
  const store = new BarStore(dir);
  const series = store.find(SYMBOL, PERIOD);
  const mb = series.partitions.reduce((n, p) => n + p.bytes, 0) / 1e6;

  let t0 = performance.now();
  let sum = 0;
  for (const b of store.bars(series)) sum += b.close;
  const streamMs = performance.now() - t0;
  const streamRss = process.resourceUsage().maxRSS * 1024;

  // The whole-series read three times, each into fresh columns (the last ones dropped first): one
  // read swung from 3.6M to 5.5M bars/s between recordings minutes apart; the median is reported.
  const readTimes: number[] = [];
  let peak = 0;
  for (let r = 0; r < READS; r++) {
    t0 = performance.now();
    const { columns } = store.read(SYMBOL, PERIOD);
    readTimes.push(performance.now() - t0);
    let check = 0;
    for (let i = 0; i < columns.close.length; i++) check += columns.close[i]!;
    if (columns.time.length !== series.bars || Math.abs(check - sum) > 1e-6 * Math.abs(sum)) throw new Error('bar store bench: the two reads disagree');
    if (r === 0) peak = process.resourceUsage().maxRSS * 1024;
  }
  const readMs = [...readTimes].sort((a, b) => a - b)[Math.floor(READS / 2)]!;
  const what = `${(series.bars / 1e6).toFixed(1)}M one-minute bars of one symbol in ${series.partitions.length} Arrow IPC files (${mb.toFixed(0)} MB, one per UTC year), written once to the temp folder`;
  return [
    { name: `bar store read (${(series.bars / 1e6).toFixed(0)}M bars)`, value: series.bars / (readMs / 1000), unit: 'bars/s', target: 5e6, better: 'higher', detail: `BarStore.read: every file read from disk in pieces of at most 1 MiB through one small reused buffer, sha256-checked over all its bytes as they are read, its column values copied straight into one set of Float64 columns time/open/high/low/close/volume (time int64 -> double); median of ${READS} reads, each into fresh columns: ${readTimes.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}; ${what}` },
    { name: 'bar store read peak memory', value: peak / 1e6, unit: 'MB RSS', target: Infinity, better: 'lower', detail: `report only; peak RSS of the process after the streamed read and the first whole-series read (the columns of all ${(series.bars / 1e6).toFixed(1)}M bars held at the end; the streamed read before it peaked at ${(streamRss / 1e6).toFixed(0)} MB)` },
    { name: 'bar store stream into bar objects', value: series.bars / (streamMs / 1000), unit: 'bars/s', target: Infinity, better: 'higher', detail: `report only; BarStore.bars: one file (year) decoded at a time and each bar made as a {symbol,time,open,high,low,close,volume} object as it is consumed (what a streamed backtest reads), in ${(streamMs / 1000).toFixed(2)} s` },
  ];
}

/** Writes the series year by year (each year is a new partition: no merge). */
function generate(dir: string, bars: number): void {
  const store = new BarStore(dir);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let t = Date.UTC(2000, 0, 1);
  let price = 100;
  for (let done = 0; done < bars; ) {
    const yearEnd = Date.UTC(new Date(t).getUTCFullYear() + 1, 0, 1);
    const n = Math.min(bars - done, (yearEnd - t) / MINUTE);
    const c = emptyColumns(SYMBOL, n);
    for (let i = 0; i < n; i++, t += MINUTE) {
      const open = price;
      price = Math.max(1, Math.round((price + (rand() - 0.5) * 0.2) * 100) / 100);
      c.time[i] = t;
      c.open[i] = open;
      c.close[i] = price;
      c.high[i] = Math.max(open, price) + 0.01;
      c.low[i] = Math.min(open, price) - 0.01;
      c.volume[i] = Math.floor(rand() * 10_000);
    }
    store.write(c, PERIOD);
    done += n;
  }
}

if (process.argv[2] === 'generate' && process.argv[1] === fileURLToPath(import.meta.url)) generate(process.argv[3]!, Number(process.argv[4]));
