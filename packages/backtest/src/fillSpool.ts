import type { BacktestFill } from './fillAudit.ts';
import { JsonLinesSpool } from './jsonLinesSpool.ts';
import { fillJson } from './report.ts';

/**
 * Fills written to a JSON-lines file as they happen, then read back one at a time into
 * report.json: however many fills a run makes, memory holds about 64 KiB of them.
 *
 * @example
 * ```ts
 * const spool = new FillSpool(join(reportDir, 'fills.jsonl'));
 * const r = await runBacktest({ def, bars: data, keepFills: false, onFill: (f) => spool.add(f) });
 * spool.close();
 * writeReport(reportDir, { ...r, fills: spool.read(), version: 1, createdAt, data: meta });
 * spool.remove();
 * ```
 */
export class FillSpool extends JsonLinesSpool<BacktestFill> {
  constructor(path: string) {
    super(path, fillJson);
  }
}
