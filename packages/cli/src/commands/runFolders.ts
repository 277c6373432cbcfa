import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OrderJournal } from '@pounce/runtime';

/** A run folder whose journal has its `run` line: the run connected and started trading. */
export function runStarted(dir: string): boolean {
  return existsSync(join(dir, 'journal.jsonl')) && OrderJournal.read(dir).some((e) => e.e === 'run');
}

/**
 * The newest run folder under `base` that really started (`--resume latest`): folders left by
 * starts that failed before the venue answered have no `run` line and are skipped.
 */
export function latestStartedRun(base: string): string {
  const runs = existsSync(base) ? readdirSync(base).sort().reverse() : [];
  const started = runs.map((r) => join(base, r)).find(runStarted);
  if (!started) throw new Error(`--resume latest: no started run in ${base}${runs.length ? ` (${runs.length} folder(s) there never started trading)` : ''}`);
  return started;
}

/**
 * After a failed start: removes the run folder if this start created it and no run began in it,
 * so failed starts leave nothing behind (no folder, no LOCK) for `--resume latest` to pick.
 */
export function removeUnstartedRun(dir: string, createdByThisStart: boolean): void {
  if (createdByThisStart && existsSync(dir) && !runStarted(dir)) rmSync(dir, { recursive: true, force: true });
}
