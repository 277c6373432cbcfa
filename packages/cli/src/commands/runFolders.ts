import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OrderJournal, type JournalEntry } from '@pounce/runtime';

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

/** What a run's journal counted before a `--resume`: the status counters continue from it. */
export interface JournalCounts {
  orders: number;
  fills: number;
  rejected: number;
}

export function journalCounts(entries: readonly JournalEntry[]): JournalCounts {
  const fills = new Set<string>();
  let orders = 0;
  let rejected = 0;
  for (const e of entries) {
    if (e.e === 'intent') orders++;
    else if (e.e === 'rejected') rejected++;
    else if (e.e === 'fill') fills.add(e.fill.id);
  }
  return { orders, fills: fills.size, rejected };
}

/**
 * After a failed start: removes the run folder if this start created it and no run began in it,
 * so failed starts leave nothing behind (no folder, no LOCK) for `--resume latest` to pick.
 */
export function removeUnstartedRun(dir: string, createdByThisStart: boolean): void {
  if (createdByThisStart && existsSync(dir) && !runStarted(dir)) rmSync(dir, { recursive: true, force: true });
}
