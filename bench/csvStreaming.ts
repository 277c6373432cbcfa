import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData, runBacktest, streamData } from '@pounce/backtest';
import smaCross from '../strategies/sma-cross/index.ts';
import { NVDA, ORCL } from './benchData.ts';
import type { BenchResult } from './types.ts';

const DAY = 86_400_000;

/**
 * The CLI's own path for one backtest: CSV files streamed from disk (readCsvBars -> streamData),
 * parsed row by row, through sma-cross and the matching engine. The files (the shared daily series,
 * scaled per symbol and repeated) are written once to the temp folder and reused.
 */
export async function csvStreaming(symbols = 20, rowsPerFile = 150_000): Promise<BenchResult[]> {
  const dir = join(tmpdir(), `pounce-bench-csv-${symbols}x${rowsPerFile}`);
  const specs = Array.from({ length: symbols }, (_, s) => `S${s}=${join(dir, `s${s}.csv`)}`);
  if (!existsSync(join(dir, `s${symbols - 1}.csv`))) writeFiles(dir, symbols, rowsPerFile);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const data = streamData(specs);
  const res = await runBacktest({ def: smaCross, bars: data, symbols: specs.map((s) => s.split('=')[0]!), cash: 1e9, keepDetail: false });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const rows = symbols * rowsPerFile;
  return [
    { name: `streamed CSV backtest (${(rows / 1e6).toFixed(0)}M rows, ${symbols} files)`, value: rows / (ms / 1000), unit: 'rows/s', target: Infinity, better: 'higher', detail: `report only; parse + replay + matching in ${(ms / 1000).toFixed(1)} s, hashing pass included; ${res.fillCount} fills` },
    { name: 'streamed CSV backtest peak memory', value: peak / 1e6, unit: 'MB RSS', target: Infinity, better: 'lower', detail: 'report only; files are read 64 KiB at a time (a loaded run holds every bar)' },
  ];
}

function writeFiles(dir: string, symbols: number, rows: number): void {
  mkdirSync(dir, { recursive: true });
  const base = [loadData([`NVDA=${NVDA}`]).bars, loadData([`ORCL=${ORCL}`]).bars];
  const len = Math.min(base[0]!.length, base[1]!.length);
  const t0 = Date.UTC(1990, 0, 1);
  for (let s = 0; s < symbols; s++) {
    const tmp = join(dir, `s${s}.csv.part`);
    const fd = openSync(tmp, 'w');
    let out = 'Date,Open,High,Low,Close,Volume\n';
    for (let i = 0; i < rows; i++) {
      const b = base[s & 1]![i % len]!;
      const f = (1 + (s % 17) * 0.01) * (1 + Math.floor(i / len) * 0.001);
      const date = new Date(t0 + i * DAY).toISOString().slice(0, 10);
      out += `${date},${(b.open * f).toFixed(4)},${(b.high * f).toFixed(4)},${(b.low * f).toFixed(4)},${(b.close * f).toFixed(4)},${b.volume}\n`;
      if (out.length > 1 << 20) {
        writeSync(fd, out);
        out = '';
      }
    }
    writeSync(fd, out);
    closeSync(fd);
    // Complete files only: a run interrupted while writing leaves a .part, never a short .csv.
    renameSync(tmp, join(dir, `s${s}.csv`));
  }
}
