import type { JournalEntry } from './OrderJournal.ts';

/** What a run's journal counted: orders sent (intents), distinct fills, rejections. A resumed run's counters continue from it. */
export interface JournalCounts {
  orders: number;
  fills: number;
  rejected: number;
}

/**
 * Counts a journal's orders (intents), distinct fills and rejections.
 *
 * @example
 * ```ts
 * journalCounts(OrderJournal.read('.pounce/runs/2026-11-27T15-00-49-816Z-sma-cross')); // { orders: 12, fills: 11, rejected: 1 }
 * ```
 */
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
