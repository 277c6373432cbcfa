import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktestCommand } from '../packages/cli/src/commands/backtest.ts';
import { benchCsvFiles } from './csvStreaming.ts';
import type { BenchResult } from './types.ts';

/**
 * What `npm run backtest` costs by default: the CLI's backtest command, called in this fresh
 * process exactly as main.ts calls it, on 3M CSV rows in 20 files (streamed: above 64 MB), writing
 * its full report (report.json and report.html). Peak RSS of the whole process.
 */
export async function cliMemory(): Promise<BenchResult[]> {
  const specs = benchCsvFiles();
  const out = mkdtempSync(join(tmpdir(), 'pounce-bench-cli-'));
  const lines: string[] = [];
  const t0 = performance.now();
  try {
    const code = await runBacktestCommand(['sma-cross', ...specs.flatMap((s) => ['--data', s]), '--symbols', specs.map((s) => s.split('=')[0]).join(','), '--cash', '1000000000', '--report', out], (l) => lines.push(l));
    if (code !== 0) throw new Error(`backtest command exited ${code}: ${lines.join('\n')}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const s = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS / 1024;
  return [{ name: 'npm run backtest path, 3M CSV rows in 20 files, full report: peak memory', value: peak, unit: 'MB RSS', target: Infinity, better: 'lower', detail: `report only; runBacktestCommand as the CLI runs it (streams its CSV above 64 MB, keeps the equity curve and fills for the report), ${s.toFixed(1)} s` }];
}
