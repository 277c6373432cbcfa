import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsvFiles } from './csvStreaming.ts';
import type { BenchResult } from './types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const PEAK_RSS = join(ROOT, 'bench/peakRss.mjs');

/**
 * What `npm run backtest` costs by default, whole process: the built CLI (packages/cli/dist/main.js,
 * what the npm script runs; `npm run bench` builds first) in a child process, sma-cross on 10M
 * generated daily bars in 500 CSV files (20,000 rows each: the series of the 10M-bar engine row,
 * written once to the temp folder), writing its full report. Peak RSS is the child's own
 * (getrusage at exit, through bench/peakRss.mjs), so writing the files is not counted.
 */
export async function cliMemory(symbols = 500, rowsPerFile = 20_000): Promise<BenchResult[]> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const specs = benchCsvFiles(symbols, rowsPerFile);
  const out = mkdtempSync(join(tmpdir(), 'pounce-bench-cli-'));
  const peakFile = join(out, 'peak.json');
  const args = ['backtest', 'sma-cross', ...specs.flatMap((s) => ['--data', s]), '--symbols', specs.map((s) => s.split('=')[0]).join(','), '--cash', '1000000000', '--report', join(out, 'report')];
  try {
    const r = spawnSync(process.execPath, ['--import', PEAK_RSS, MAIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, POUNCE_PEAK_RSS_FILE: peakFile }, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`backtest command exited ${r.status}: ${r.stderr}`);
    const fills = /Fills\s+(\d+)/.exec(r.stdout)?.[1] ?? '?';
    const { maxRssKb, seconds } = JSON.parse(readFileSync(peakFile, 'utf8')) as { maxRssKb: number; seconds: number };
    const bars = symbols * rowsPerFile;
    return [{
      name: `npm run backtest, ${bars / 1e6}M CSV bars in ${symbols} files, full report: peak memory`, value: (maxRssKb * 1024) / 1e6, unit: 'MB RSS', target: 300, better: 'lower',
      detail: `node packages/cli/dist/main.js backtest sma-cross with ${symbols} --data files (streamed: each in time order), fills and trades written to the report folder as they happen, equity points too past the first 32,768 (held until then), report.json and report.html built from those files; whole child process, ${seconds.toFixed(1)} s (${Math.round(bars / seconds)} bars/s), ${fills} fills`,
    }];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
