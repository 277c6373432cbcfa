import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadStrategy } from '@pounce/runtime';
import { replayCheckHtml } from '../replayCheck/replayCheckHtml.ts';
import { runReplayCheck } from '../replayCheck/runReplayCheck.ts';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { STRATEGIES_DIR } from './strategiesDir.ts';

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** `pounce replay-check`: its one declaration, read by the parser and by `--help`. */
export const REPLAY_CHECK_COMMAND = {
  name: 'replay-check',
  usage: '<run folder>',
  summary: 'Replays a paper or live run\'s recorded market (market.csv) through the backtester and explains every difference in fills; writes replay-check.json and replay-check.html in the run folder. Exits 0 when nothing differs, 1 otherwise.',
  options: {},
  examples: ['npm run replay-check -- .pounce/runs/sma'],
  doc: 'docs/backtest.md',
} as const satisfies CommandSpec;

/**
 * `pounce replay-check <run folder>`: replays a paper or live run's market through the
 * backtester and explains every difference; writes replay-check.json and replay-check.html in
 * the run folder. Exit 0 when nothing differs, 1 otherwise (usable in CI).
 */
export async function runReplayCheckCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { positionals } = parseCommandArgs(REPLAY_CHECK_COMMAND, argv);
  if (!positionals[0]) throw new Error('usage: npm run replay-check -- <run folder>');
  const runDir = resolve(positionals[0]);
  const r = await runReplayCheck({ runDir, loadStrategy: async (name) => (await loadStrategy(name, STRATEGIES_DIR)).def });
  const json = join(runDir, 'replay-check.json');
  const html = join(runDir, 'replay-check.html');
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(html, replayCheckHtml(r));
  out(`replay-check ${r.strategy} (${r.run})`);
  out(`market     ${r.market.bars} bars from ${r.market.source}; the strategy saw ${r.market.seenByStrategy}`);
  out(`             run   backtest`);
  out(`decisions  ${String(r.decisions.run).padStart(5)}  ${String(r.decisions.backtest).padStart(9)}   (${r.decisions.matched} matched)`);
  out(`fills      ${String(r.fills.run).padStart(5)}  ${String(r.fills.backtest).padStart(9)}`);
  if (r.differences.length === 0) {
    out('no differences: the run did what the backtest did');
  } else {
    out(`${r.differences.length} differences`);
    out(`  ${'cause'.padEnd(14)} count`);
    for (const [cause, n] of Object.entries(r.causes)) out(`  ${cause.padEnd(14)} ${n}`);
    out('');
    for (const d of r.differences.slice(0, 20)) out(`  #${d.n} ${iso(d.time)} ${d.cause}: ${d.what}${d.follows ? ` (follows #${d.follows})` : ''}`);
    if (r.differences.length > 20) out(`  ... ${r.differences.length - 20} more in the JSON`);
  }
  out(`report     ${json}`);
  out(`           ${html}`);
  return r.differences.length === 0 ? 0 : 1;
}
