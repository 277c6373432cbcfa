import { mergeShardReports, readShardReport } from '@pounce/backtest';
import { numberFlag } from './gateway.ts';
import { printRanking } from './sweepRanking.ts';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';

const SWEEP_MERGE_OPTIONS = {
  top: { type: 'string', value: 'N', help: 'rows of the ranking shown (default 10)' },
} as const;

/** `pounce sweep merge`: its one declaration, read by the parser and by `--help`. */
export const SWEEP_MERGE_COMMAND = {
  name: 'sweep merge',
  usage: '<shard report.json...> [--top N]',
  summary: 'Combines the reports of backtest --sweep --shard i/N runs into the ranking one run of the whole grid prints.',
  options: SWEEP_MERGE_OPTIONS,
  examples: ['npm run pounce -- sweep merge shards/sweep-shard-*.json'],
  doc: 'docs/backtest.md',
} as const satisfies CommandSpec<typeof SWEEP_MERGE_OPTIONS>;

/** `pounce sweep merge <shard reports...>` (the words after `sweep merge`). */
export async function runSweepMergeCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(SWEEP_MERGE_COMMAND, argv);
  return mergeAndPrint(positionals, v.top, out);
}

/**
 * `pounce sweep merge <shard reports...>` (also `npm run backtest -- sweep merge ...`): combines
 * the reports of `--shard i/N` runs into the ranking one run of the whole grid prints.
 */
export async function runSweepCommand(argv: string[], out: (l: string) => void): Promise<number> {
  if (argv[0] !== 'merge') throw new Error('usage: pounce sweep merge <shard report.json...> [--top N] (see docs/backtest.md)');
  return runSweepMergeCommand(argv.slice(1), out);
}

function mergeAndPrint(files: string[], top: string | undefined, out: (l: string) => void): number {
  const merged = mergeShardReports(files.map((path) => ({ ...readShardReport(path), path })));
  out(`sweep     ${merged.sweep.strategy}: ${merged.sweep.gridSize} combinations from ${files.length} shards   data ${merged.sweep.data.slice(0, 12)}`);
  printRanking(out, merged.ranked, merged.results, numberFlag('top', top, 10, (n) => n > 0));
  return 0;
}
