import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EquitySpool } from './equitySpool.ts';
import { FillSpool } from './fillSpool.ts';
import { JsonLinesSpool } from './jsonLinesSpool.ts';
import { writeReport, type ReportData } from './report.ts';
import type { Trade } from './roundTrips.ts';
import type { BacktestOptions, BacktestResult } from './runBacktest.ts';

/**
 * A report folder filled as the run goes: each fill, trade and equity point is written to a
 * file there (fills.jsonl, trades.jsonl; equity.f64, doubles) when it happens, and none is
 * kept in memory; `write` then builds report.json and report.html from those files, one item at a
 * time, and deletes them. The metrics come from the run's running sums, the same figures a run
 * that keeps everything gives. This is what `npm run backtest` does.
 *
 * @example
 * ```ts
 * const report = new StreamedReport('.pounce/reports/run1');
 * const r = await runBacktest({ def, bars: streamData(['NVDA=nvda.csv']), ...report.sinks() });
 * report.write(r, { createdAt: new Date().toISOString(), data: { fingerprint, files } });
 * ```
 */
export class StreamedReport {
  readonly fills: FillSpool;
  readonly trades: JsonLinesSpool<Trade>;
  readonly equity: EquitySpool;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.fills = new FillSpool(join(dir, 'fills.jsonl'));
    this.trades = new JsonLinesSpool<Trade>(join(dir, 'trades.jsonl'));
    this.equity = new EquitySpool(join(dir, 'equity.f64'));
  }

  /** runBacktest options that send every fill, trade and equity point here and keep none in memory. */
  sinks(): Pick<BacktestOptions, 'keepDetail' | 'onFill' | 'onTrade' | 'onEquity'> {
    return { keepDetail: false, onFill: (f) => this.fills.add(f), onTrade: (t) => this.trades.add(t), onEquity: (p) => this.equity.add(p) };
  }

  /** Writes report.json and report.html from the run's result and the spooled files, then deletes those (also when the write fails). */
  write(result: BacktestResult, meta: Pick<ReportData, 'createdAt' | 'data'>): { json: string; html: string } {
    try {
      return writeReport(this.dir, { ...result, version: 1, ...meta, fills: this.fills.read(), trades: this.trades.read(), equity: this.equity.read() });
    } finally {
      this.remove();
    }
  }

  /** Deletes the spooled files (after `write`, or when the run failed). */
  remove(): void {
    for (const spool of [this.fills, this.trades, this.equity]) spool.remove();
  }
}
