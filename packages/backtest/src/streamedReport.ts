import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EquityJsonSpool } from './equityJsonSpool.ts';
import { FillSpool } from './fillSpool.ts';
import { JsonLinesSpool } from './jsonLinesSpool.ts';
import { writeReportWithEquity, type ReportData } from './report.ts';
import type { Trade } from './roundTrips.ts';
import type { BacktestOptions, BacktestResult } from './runBacktest.ts';

/**
 * A report folder filled as the run goes: each fill and trade is written to a file there
 * (fills.jsonl, trades.jsonl) when it happens, and each equity point goes to a thread that writes
 * report.json's equity text as the run goes (equity.json.part, see EquityJsonSpool); none is kept
 * in memory. `write` then builds report.json and report.html from those files, one item at a
 * time, and deletes them. The metrics come from the run's running sums, the same figures a run
 * that keeps everything gives. This is what `npm run backtest` does.
 *
 * @example
 * ```ts
 * const report = new StreamedReport('.pounce/reports/run1');
 * const r = await runBacktest({ def, bars: streamData(['NVDA=nvda.csv']), ...report.sinks() });
 * await report.write(r, { createdAt: new Date().toISOString(), data: { fingerprint, files } });
 * ```
 */
export class StreamedReport {
  readonly fills: FillSpool;
  readonly trades: JsonLinesSpool<Trade>;
  readonly equity: EquityJsonSpool;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.fills = new FillSpool(join(dir, 'fills.jsonl'));
    this.trades = new JsonLinesSpool<Trade>(join(dir, 'trades.jsonl'));
    this.equity = new EquityJsonSpool(join(dir, 'equity.json.part'));
  }

  /** runBacktest options that send every fill, trade and equity point here and keep none in memory. */
  sinks(): Pick<BacktestOptions, 'keepDetail' | 'onFill' | 'onTrade' | 'onEquity'> {
    return { keepDetail: false, onFill: (f) => this.fills.add(f), onTrade: (t) => this.trades.add(t), onEquity: (p) => this.equity.add(p) };
  }

  /** Writes report.json and report.html from the run's result and the spooled files, then deletes those (also when the write fails). */
  async write(result: BacktestResult, meta: Pick<ReportData, 'createdAt' | 'data'>): Promise<{ json: string; html: string }> {
    let files: { json: string; html: string };
    try {
      // The equity text is finished by its thread while the rest of report.json is written.
      files = await writeReportWithEquity(this.dir, { ...result, version: 1, ...meta, fills: this.fills.read(), trades: this.trades.read() }, this.equity.finish());
    } catch (e) {
      // The write's error is the one to report, not a failure to clean up after it.
      await this.remove().catch(() => undefined);
      throw e;
    }
    await this.remove();
    return files;
  }

  /** Deletes the spooled files (after `write`, or when the run failed); resolves once they are gone. */
  async remove(): Promise<void> {
    this.fills.remove();
    this.trades.remove();
    await this.equity.remove();
  }
}
