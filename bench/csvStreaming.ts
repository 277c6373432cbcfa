import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest, streamData } from '@pounce/backtest';
import smaCross from '../strategies/sma-cross/index.ts';
import { replicatedSlices } from './benchData.ts';
import type { BenchResult } from './types.ts';

/**
 * CSV files streamed from disk (readCsvBars -> streamData), parsed row by row, through sma-cross
 * and the matching engine, with keepDetail off (no equity curve or fills kept, no report): the
 * parsing and replay cost without the report's. The files (the shared daily series, scaled per
 * symbol and repeated, as in the other benchmarks) are written once to the temp folder.
 */
export function benchCsvFiles(symbols = 20, rowsPerFile = 150_000): string[] {
  const dir = join(tmpdir(), `pounce-bench-csv2-${symbols}x${rowsPerFile}`);
  if (!existsSync(join(dir, `s${symbols - 1}.csv`))) writeFiles(dir, symbols, rowsPerFile);
  return Array.from({ length: symbols }, (_, s) => `S${s}=${join(dir, `s${s}.csv`)}`);
}

export async function csvStreaming(symbols = 20, rowsPerFile = 150_000): Promise<BenchResult[]> {
  const specs = benchCsvFiles(symbols, rowsPerFile);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const data = streamData(specs);
  const res = await runBacktest({ def: smaCross, bars: data, symbols: specs.map((s) => s.split('=')[0]!), cash: 1e9, timeframe: 'venue', keepDetail: false });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const rows = symbols * rowsPerFile;
  return [
    { name: `streamed CSV backtest (${(rows / 1e6).toFixed(0)}M rows, ${symbols} files)`, value: rows / (ms / 1000), unit: 'rows/s', target: Infinity, better: 'higher', detail: `report only; runBacktest in-process over streamData, keepDetail off, no report; parse + replay + matching in ${(ms / 1000).toFixed(1)} s, hashing pass included; ${res.fillCount} fills` },
    { name: 'streamed CSV backtest peak memory', value: peak / 1e6, unit: 'MB RSS', target: Infinity, better: 'lower', detail: 'report only; keepDetail off, no report; files are read 64 KiB at a time (a loaded run holds every bar)' },
  ];
}

/** The same replicated series as the in-memory benchmarks (replicatedSlices), one CSV per symbol. */
function writeFiles(dir: string, symbols: number, rows: number): void {
  mkdirSync(dir, { recursive: true });
  const tmp = Array.from({ length: symbols }, (_, s) => join(dir, `s${s}.csv.part`));
  const fds = tmp.map((p) => openSync(p, 'w'));
  const out = fds.map(() => 'Date,Open,High,Low,Close,Volume\n');
  const flush = (s: number) => {
    writeSync(fds[s]!, out[s]!);
    out[s] = '';
  };
  for (const slice of replicatedSlices(symbols, symbols * rows).slices) {
    slice.forEach((b, s) => {
      out[s] += `${new Date(b.time).toISOString().slice(0, 10)},${b.open.toFixed(4)},${b.high.toFixed(4)},${b.low.toFixed(4)},${b.close.toFixed(4)},${b.volume}\n`;
      if (out[s]!.length > 1 << 16) flush(s);
    });
  }
  fds.forEach((fd, s) => {
    flush(s);
    closeSync(fd);
    // Complete files only: a run interrupted while writing leaves a .part, never a short .csv.
    renameSync(tmp[s]!, join(dir, `s${s}.csv`));
  });
}
