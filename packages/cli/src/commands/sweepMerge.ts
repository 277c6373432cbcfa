import { parseArgs } from 'node:util';
import { mergeShardReports, readShardReport } from '@pounce/backtest';
import { numberFlag } from './gateway.ts';
import { printRanking } from './sweepRanking.ts';

/**
 * `pounce sweep merge <shard reports...>` (also `npm run backtest -- sweep merge ...`): combines
 * the reports of `--shard i/N` runs into the ranking one run of the whole grid prints.
 */
export async function runSweepCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options: { top: { type: 'string' } }, allowPositionals: true });
  if (positionals[0] !== 'merge') throw new Error('usage: pounce sweep merge <shard report.json...> [--top N] (see docs/backtest.md)');
  const files = positionals.slice(1);
  const merged = mergeShardReports(files.map((path) => ({ ...readShardReport(path), path })));
  out(`sweep     ${merged.sweep.strategy}: ${merged.sweep.gridSize} combinations from ${files.length} shards   data ${merged.sweep.data.slice(0, 12)}`);
  printRanking(out, merged.ranked, merged.results, numberFlag('top', v.top, 10, (n) => n > 0));
  return 0;
}
