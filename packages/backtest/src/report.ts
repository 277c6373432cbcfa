import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Metrics } from './metrics.ts';
import type { EquityPoint } from './BacktestVenue.ts';
import { CurveChart, type ChartSeries } from './curveChart.ts';
import { equityPointJson, finiteJson, JsonArrayWriter } from './equityJson.ts';
import { dropPartials, publish, writePartial } from './reportFiles.ts';
import type { BacktestFill } from './fillAudit.ts';
import type { Trade } from './roundTrips.ts';
import type { BacktestResult } from './runBacktest.ts';

export { epochMsText, equityPointJson } from './equityJson.ts';

/**
 * What a report holds. Fills, trades and equity points are arrays, or read from disk as they are
 * written (a JsonLinesSpool's `read()`), so a run with millions of them never holds them all;
 * writeReport iterates each once.
 */
export interface ReportData extends Omit<BacktestResult, 'fills' | 'trades' | 'equity'> {
  version: 1;
  createdAt: string;
  data: { fingerprint: string; files: Array<{ symbol: string; path: string; bars: number; first: number; last: number }>; from?: number; to?: number };
  /** Every fill, the audit trail. report.json has one fill per line. */
  fills: Iterable<BacktestFill>;
  trades: Iterable<Trade>;
  equity: Iterable<EquityPoint>;
}

/** The trades report.html lists: the last ones and how many there were. */
class RecentTrades {
  readonly last: Trade[] = [];
  count = 0;

  constructor(private readonly keep: number) {}

  add(t: Trade): void {
    this.count++;
    this.last.push(t);
    // Trimmed in batches: one shift per trade would be quadratic on a long run.
    if (this.last.length >= 2 * this.keep) this.last.splice(0, this.last.length - this.keep);
  }

  shown(): Trade[] {
    return this.last.slice(-this.keep);
  }
}

/** Shown in report.html: the rest are in report.json. */
const HTML_TRADES = 500;

/** Each item of `items`, passed to `see` as it is iterated (writeReport reads every iterable once). */
function* tap<T>(items: Iterable<T>, see: (item: T) => void): Generator<T> {
  for (const item of items) {
    see(item);
    yield item;
  }
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '∞');
const days = (ms: number) => `${Math.round(ms / 86_400_000)} days`;

/** The metrics as label/value rows, shared by the terminal table and the HTML report. */
export function metricRows(m: Metrics): Array<[string, string]> {
  return [
    ['Total return', pct(m.totalReturn)], ['CAGR', pct(m.cagr)], ['Sharpe', num(m.sharpe)], ['Sortino', num(m.sortino)],
    ['Max drawdown', pct(m.maxDrawdown)], ['Max drawdown duration', days(m.maxDrawdownDurationMs)], ['Win rate', pct(m.winRate)],
    ['Profit factor', num(m.profitFactor)], ['Exposure', pct(m.exposure)], ['Turnover', `${num(m.turnover)}x`], ['Trades', String(m.tradeCount)],
  ];
}

/** The buy-and-hold benchmark's return beside the strategy's (none in reports written before it). */
export function benchmarkRows(r: { benchmark?: { totalReturn: number; symbols: string[] } }): Array<[string, string]> {
  return r.benchmark ? [['Buy and hold return', pct(r.benchmark.totalReturn)]] : [];
}

export function metricsTable(m: Metrics, r: { benchmark?: { totalReturn: number; symbols: string[] } } = {}): string {
  const rows = [...metricRows(m), ...benchmarkRows(r)];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v.padStart(12)}`).join('\n');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A self-contained HTML page: uPlot inlined (no network), equity and drawdown charts, metrics, the
 * last 500 trades. The curve is drawn from at most a few thousand points (see CurveChart).
 */
export function reportHtml(r: ReportData): string {
  const chart = new CurveChart();
  for (const p of r.equity) chart.add(p);
  const recent = new RecentTrades(HTML_TRADES);
  for (const t of r.trades) recent.add(t);
  return renderHtml(r, chart.series(), recent);
}

function renderHtml(r: Omit<ReportData, 'equity'>, series: ChartSeries, recent: RecentTrades): string {
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const trades = recent.shown().map((t) => `<tr><td>${t.symbol}</td><td>${t.side}</td><td>${t.quantity}</td><td>${new Date(t.entryTime).toISOString().slice(0, 10)}</td><td>${t.entryPrice.toFixed(4)}</td><td>${new Date(t.exitTime).toISOString().slice(0, 10)}</td><td>${t.exitPrice.toFixed(4)}</td><td>${(t.fees ?? 0).toFixed(2)}</td><td class="${t.pnl >= 0 ? 'up' : 'down'}">${t.pnl.toFixed(2)}</td></tr>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.strategy)} backtest</title>
<style>${css}
body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}.up{color:#0a7d28}.down{color:#b3261e}.row{display:flex;gap:32px;flex-wrap:wrap}.chart{margin:12px 0}</style></head><body>
<h1>${esc(r.strategy)} — ${esc(r.symbols.join(', '))}</h1>
<p>Params: ${esc(Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' '))} · cash ${r.config.cash} · fees ${esc(r.config.fees)} · slippage ${r.config.slippageBps} bps · data ${r.data.fingerprint.slice(0, 12)}</p>
<div class="row"><table id="metrics"><tbody>${[...metricRows(r.metrics), ...benchmarkRows(r)].map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</tbody></table>
<div><div id="equity" class="chart"></div><div id="drawdown" class="chart"></div></div></div>
<h2>Trades (last ${Math.min(HTML_TRADES, recent.count)} of ${recent.count})</h2>
<table><thead><tr><th>Symbol</th><th>Side</th><th>Qty</th><th>Entry</th><th>Price</th><th>Exit</th><th>Price</th><th>Fees</th><th>P&amp;L after fees</th></tr></thead><tbody>${trades}</tbody></table>
<p id="benchmark-note">${r.benchmark ? `Benchmark: ${esc(r.benchmark.description)}.` : ''} Trade P&amp;L is after fees (each fill's fee, pro rata).</p>
<script>${js}</script>
<script>
const d = ${JSON.stringify(series)};
const w = Math.min(900, window.innerWidth - 420);
// Wide y axes: equity labels like 1,000,000 must not be clipped.
const axes = [{}, { size: 90 }];
new uPlot({ title: 'Equity', width: w, height: 280, axes, series: [{}, { label: 'Equity', stroke: '#1f6feb', width: 1.5 }, { label: 'Buy and hold', stroke: '#888', width: 1, dash: [4, 4] }] }, [d.t, d.eq, d.bench], document.getElementById('equity'));
new uPlot({ title: 'Drawdown %', width: w, height: 180, axes, series: [{}, { label: 'Drawdown', stroke: '#b3261e', fill: 'rgba(179,38,30,0.15)' }] }, [d.t, d.dd], document.getElementById('drawdown'));
document.body.dataset.ready = 'true';
</script></body></html>`;
}

/**
 * Writes report.json (everything, every equity point) and report.html into `dir`, reading each of
 * fills, trades and equity once: the page's chart and trade list are gathered while report.json
 * is written.
 */
export function writeReport(dir: string, r: ReportData): { json: string; html: string } {
  const { json, html } = reportPaths(dir);
  const chart = new CurveChart();
  const recent = new RecentTrades(HTML_TRADES);
  try {
    writePartial(json, (fd) => {
      writeReportHead(fd, { ...r, trades: tap(r.trades, (t) => recent.add(t)) });
      writeJsonArray(fd, tap(r.equity, (p) => chart.add(p)), equityPointJson);
      writeSync(fd, '\n}\n');
    });
    writeFileSync(`${html}.partial`, renderHtml(r, chart.series(), recent));
    publish(json, html);
  } catch (e) {
    dropPartials(json, html);
    throw e;
  }
  return { json, html };
}

/**
 * The equity curve of a report whose text was written elsewhere as the run went (EquityJsonSpool):
 * the file holding report.json's `equity` array, and the chart data drawn from the same points.
 */
export interface WrittenEquity {
  /** A file with the array's text, as `writeReport` writes it for the same points. */
  file: string;
  series: ChartSeries;
}

/**
 * writeReport for a run whose equity text is being written by another thread: everything else is
 * written while `equity` is awaited, then its text is copied in. report.json and report.html are
 * byte for byte what writeReport writes for the same points.
 */
export async function writeReportWithEquity(dir: string, r: Omit<ReportData, 'equity'>, equity: Promise<WrittenEquity>): Promise<{ json: string; html: string }> {
  // Awaited below; if the head fails first, its rejection must not go unhandled.
  equity.catch(() => undefined);
  const { json, html } = reportPaths(dir);
  const recent = new RecentTrades(HTML_TRADES);
  try {
    let series: ChartSeries | undefined;
    await writePartial(json, async (fd) => {
      writeReportHead(fd, { ...r, trades: tap(r.trades, (t) => recent.add(t)) });
      const written = await equity;
      series = written.series;
      appendFile(fd, written.file);
      writeSync(fd, '\n}\n');
    });
    writeFileSync(`${html}.partial`, renderHtml(r, series!, recent));
    publish(json, html);
  } catch (e) {
    dropPartials(json, html);
    throw e;
  }
  return { json, html };
}

function reportPaths(dir: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  return { json: join(dir, 'report.json'), html: join(dir, 'report.html') };
}

/** Copies the file at `path` to the end of what `fd` holds, 1 MiB at a time. */
function appendFile(fd: number, path: string): void {
  const from = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(from, buf, 0, buf.length, null); n > 0; n = readSync(from, buf, 0, buf.length, null)) writeSync(fd, buf, 0, n);
  } finally {
    closeSync(from);
  }
}

/**
 * report.json up to its last array, written piece by piece: a long run has millions of equity
 * points and fills, and one JSON.stringify of it all held the whole text (hundreds of MB) in
 * memory. One line per trade, per fill and (after this) per point. The equity array follows.
 */
function writeReportHead(fd: number, r: Omit<ReportData, 'equity'> & { equity?: unknown }): void {
  // The equity array is written after this, by the caller (a result's own `equity` is not the head's).
  const { trades, fills, equity: _equity, ...rest } = r;
  const head = JSON.stringify(rest, finiteJson, 1);
  writeSync(fd, `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n "trades": `);
  writeJsonArray(fd, trades);
  writeSync(fd, ',\n "fills": ');
  writeJsonArray(fd, fills, fillJson);
  writeSync(fd, ',\n "equity": ');
}

/** One fill as JSON on one line (its numbers are finite: no replacer needed). */
export function fillJson(f: BacktestFill): string {
  return JSON.stringify(f);
}

/** Writes `items` as a JSON array, one item per line (see JsonArrayWriter). */
function writeJsonArray<T>(fd: number, items: Iterable<T>, toJson: (item: T) => string = (x) => JSON.stringify(x, finiteJson)): void {
  const array = new JsonArrayWriter(fd);
  for (const item of items) array.add(toJson(item));
  array.close();
}

/**
 * Reads the strategy, parameters, symbols and risk limits recorded in a report folder (for
 * --from-report). `risk` is the report's `config.risk` as found (undefined in reports written
 * before risk limits were recorded); the caller checks it.
 */
export function readReportParams(dir: string): { strategy: string; params: Record<string, string | number | boolean>; symbols: string[]; risk: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  } catch {
    throw new Error(`--from-report ${dir}: no readable report.json there`);
  }
  const r = raw as Partial<ReportData>;
  if (typeof r.strategy !== 'string' || typeof r.params !== 'object' || r.params === null || !Array.isArray(r.symbols)) {
    throw new Error(`--from-report ${dir}: report.json lacks strategy, params or symbols`);
  }
  const config = r.config as { risk?: unknown } | undefined;
  return { strategy: r.strategy, params: r.params as Record<string, string | number | boolean>, symbols: r.symbols as string[], risk: typeof config === 'object' && config !== null ? config.risk : undefined };
}
