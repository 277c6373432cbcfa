import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  cachedKlines, canStream, combinations, klineCachePath, loadData, metricsTable, parseDateFlag, parseShard, parseSweep, parseWalkForward, rankSweep, runBacktest, runSweep, runWalkForward, shardIndexes, streamData,
  StreamedReport, sweepIdentity, writeShardReport, type LoadedData, type StreamedData, type SweepJob,
} from '@pounce/backtest';
import { barFileSpec, loadConfig, OpenApiClient } from '@pounce/core';
import { defaultDataFiles, loadCorporateActions } from '@pounce/gateway';
import { DEFAULT_STARTING_CASH, type MarketBar } from '@pounce/matching';
import { isStoreSpec } from '@pounce/store';
import { loadStrategy, paramPairs, type StrategyDefinition } from '@pounce/runtime';
import { numberFlag } from './gateway.ts';
import { collectOldGenerationSooner } from './heapGrowth.ts';
import { progressBar } from './progressBar.ts';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { checkRiskArgs, describeRisk, parseRiskFlags, riskHelpLines, RISK_FLAG_NAMES, RISK_OPTIONS } from './riskFlags.ts';
import { STRATEGIES_DIR } from './strategiesDir.ts';
import { runSweepCommand } from './sweepMerge.ts';
import { paramText, printRanking } from './sweepRanking.ts';

export const BACKTEST_OPTIONS = {
  data: { type: 'string', multiple: true, value: 'SYM=FILE', help: 'CSV history (symbol from SYM= or the file name), or store:SYM[@PERIOD] from the bar store; default: the shipped history of the strategy\'s symbols' },
  from: { type: 'string', value: 'DATE', help: 'first day replayed (e.g. 2004-01-01)' },
  to: { type: 'string', value: 'DATE', help: 'day the replay stops before' },
  param: { type: 'string', multiple: true, value: 'k=v', help: 'a strategy parameter, checked against its declaration' },
  symbols: { type: 'string', value: 'A,B', help: 'symbols to trade instead of the strategy\'s own' },
  cash: { type: 'string', value: 'N', help: 'starting cash (default 100000)' },
  fees: { type: 'string', value: 'tradeup|zero|per-share:X', help: 'fee model (default tradeup)' },
  'slippage-bps': { type: 'string', value: 'N', help: 'slippage on market fills, basis points (default 0)' },
  participation: { type: 'string', value: 'F', help: 'largest share of a bar\'s volume one symbol may fill (default 0.1)' },
  report: { type: 'string', value: 'DIR', help: 'report folder (default .pounce/reports/<time>-<strategy>); with --sweep, only with --shard (the shard file\'s folder)' },
  sweep: { type: 'string', multiple: true, value: 'name=start:stop:step|a,b', help: 'sweep a parameter; several multiply the combinations' },
  split: { type: 'string', value: 'F', help: 'sweep: rank on the first share of the data, test on the rest (e.g. 0.7)' },
  workers: { type: 'string', value: 'N', help: 'sweep: worker threads (default one per core)' },
  top: { type: 'string', value: 'N', help: 'sweep: rows of the ranking shown (default 10)' },
  kline: { type: 'string', value: 'SYM,...', help: 'history from the OpenAPI kline method (needs --from, --to, --config)' },
  period: { type: 'string', value: 'PERIOD', help: '--kline bar period (default day)' },
  config: { type: 'string', value: 'FILE', help: 'tiger_openapi_config.properties for --kline' },
  'kline-cache': { type: 'string', value: 'DIR', help: '--kline cache folder (default .pounce/klines)' },
  store: { type: 'string', value: 'DIR', help: 'bar store read by store:SYM (default .pounce/store); without --data, the symbols are read from it' },
  stream: { type: 'boolean', help: 'stream the CSV files even when one is out of time order (a row out of order is then an error); when every file is in time order, or the files come to more than 64 MB in all, they stream anyway' },
  'corporate-actions': { type: 'string', value: 'FILE', help: 'splits and dividends to apply (CSV: date,symbol,type,ratio|amount; see docs/backtest.md)' },
  'withholding-tax': { type: 'string', value: 'F', help: 'share of dividends withheld on long positions (e.g. 0.3; default 0)' },
  'walk-forward': { type: 'string', value: 'train=2y,test=6m[,anchored][,warmup=N]', help: 'with --sweep: re-optimise on each training window, report the stitched out-of-sample equity' },
  shard: { type: 'string', value: 'i/N', help: 'with --sweep: run the i-th of N deterministic slices of the grid and write a shard report (merge with sweep merge)' },
  ...RISK_OPTIONS,
} as const;

/** `pounce backtest`: its one declaration, read by the parser and by `--help`. */
export const BACKTEST_COMMAND = {
  name: 'backtest',
  usage: '<strategy|path> [options]',
  summary: 'Backtests a strategy on history through the matching engine; prints the metrics and writes report.json and report.html. With --sweep, runs every combination on worker threads, ranked by Sharpe.',
  options: BACKTEST_OPTIONS,
  groups: [{ title: 'Risk checks (as on paper)', names: RISK_FLAG_NAMES }],
  examples: ['npm run backtest -- sma-cross', 'npm run backtest -- sma-cross --sweep fast=5:20:5 --sweep slow=20:60:10 --split 0.7'],
  doc: 'docs/backtest.md',
} as const satisfies CommandSpec<typeof BACKTEST_OPTIONS>;

/** Above this many bytes of CSV a single backtest streams its files instead of loading them. */
export const STREAM_ABOVE_BYTES = 64 * 2 ** 20;

/**
 * `--kline SYM,...`: bars from the OpenAPI kline method (through core, with the config of
 * --config), cached under --kline-cache so reruns need no connection.
 */
async function klineData(syms: string[], v: { period?: string; config?: string; 'kline-cache'?: string }, from: number | undefined, to: number | undefined) {
  if (from === undefined || to === undefined) throw new Error('--kline needs --from and --to');
  let client: OpenApiClient | undefined;
  const connect = () => (client ??= OpenApiClient.fromConfig(loadConfig({ path: v.config })));
  const bars: MarketBar[] = [];
  const hash = createHash('sha256');
  const files: Array<{ symbol: string; path: string; bars: number; first: number; last: number }> = [];
  for (const symbol of syms) {
    const req = { symbol, period: v.period ?? 'day', beginTime: from, endTime: to, cacheDir: v['kline-cache'] ?? join('.pounce', 'klines') };
    const got = await cachedKlines(cacheHasBars(klineCachePath(req)) ? undefined : connect(), req);
    hash.update(symbol).update('\0').update(readFileSync(got.path));
    files.push({ symbol, path: got.path, bars: got.bars.length, first: got.bars[0]!.time, last: got.bars[got.bars.length - 1]!.time });
    bars.push(...got.bars);
  }
  return { bars, fingerprint: hash.digest('hex'), files };
}

/** A cache file with at least one bar line after its header. */
function cacheHasBars(path: string): boolean {
  return existsSync(path) && readFileSync(path, 'utf8').trim().split('\n').length > 1;
}

/**
 * Whether a single backtest streams its data rather than loading it. Files in time order stream
 * (memory stays flat: a loaded 60 MB file held ~900 MB), checked by a read of their date and time
 * fields. Otherwise all load, which accepts rows in any order, up to 64 MB in all (`totalBytes`);
 * above it they stream and a row out of order is an error naming it. A sweep replays the data many
 * times, so it always loads; so does --kline. Stored series are in time order: they always stream.
 */
export function streamsData(csv: readonly string[], o: { stream?: boolean; sweeping: boolean; kline?: string }, totalBytes: (specs: readonly string[]) => number = csvBytes): boolean {
  if (o.kline || o.sweeping) return false;
  return o.stream === true || csv.some(isStoreSpec) || totalBytes(csv) > STREAM_ABOVE_BYTES || canStream(csv);
}

/** What a streamed run reads, as the data flags named it: CSV files and stored series (each of several partitions). */
function streamedSources(specs: readonly string[]): string {
  const stored = specs.filter(isStoreSpec).length;
  const files = specs.length - stored;
  return [files > 0 ? `files ${files}` : '', stored > 0 ? `store series ${stored}` : ''].filter(Boolean).join(', ');
}

/** Total size of the --data files (unreadable ones and store: series count 0: loading names them). */
function csvBytes(specs: readonly string[]): number {
  return specs.filter((spec) => !isStoreSpec(spec)).reduce((n, spec) => {
    try {
      return n + statSync(barFileSpec(spec).path).size;
    } catch {
      return n;
    }
  }, 0);
}

type BacktestFlags = ReturnType<typeof parseCommandArgs<typeof BACKTEST_OPTIONS>>['values'];

/**
 * `--sweep`: every combination on worker threads, ranked (rankSweep); `--split` checks the top sets
 * out of sample, `--walk-forward` re-optimises per window and stitches the out-of-sample curve,
 * `--shard i/N` runs one slice of the grid and writes a shard report for `sweep merge`.
 */
async function runSweepPart(
  o: { v: BacktestFlags; def: StrategyDefinition; path: string; data: LoadedData; symbols: string[]; fixed: Record<string, string | number | boolean>; from?: number; to?: number; job: Omit<SweepJob, 'strategyPath' | 'bars' | 'symbols'> },
  out: (l: string) => void,
): Promise<number> {
  const { v, data } = o;
  const sweeps = (v.sweep ?? []).map(parseSweep);
  const combos = combinations(o.fixed, sweeps);
  const workers = numberFlag('workers', v.workers, 0, (n) => Number.isInteger(n) && n >= 0) || undefined;
  const top = numberFlag('top', v.top, 10, (n) => n > 0);
  const job: SweepJob = { strategyPath: o.path, bars: data.bars, symbols: o.symbols, ...o.job };
  if (v['walk-forward'] !== undefined) {
    if (v.shard !== undefined || v.split !== undefined) throw new Error('--walk-forward: not with --shard or --split (it chooses its own in- and out-of-sample windows)');
    const spec = parseWalkForward(v['walk-forward']);
    out(`sweep     ${combos.length} combinations per window, walk-forward ${v['walk-forward']}`);
    const wf = await runWalkForward({ def: o.def, job, combos, spec, workers, onWindow: progressBar('walk-forward') });
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    out('\nwindow  train                    test                     IS sharpe  OOS sharpe  OOS return  params');
    wf.steps.forEach((s, i) => out(`${String(i + 1).padStart(6)}  ${day(s.window.trainStart)}..${day(s.window.trainEnd)}   ${day(s.window.testStart)}..${day(s.window.testEnd)}   ${s.inSample.sharpe.toFixed(2).padStart(9)}  ${s.outOfSample.sharpe.toFixed(2).padStart(10)}  ${(s.outOfSample.totalReturn * 100).toFixed(2).padStart(9)}%  ${paramText(s)}`));
    out('\nstitched out-of-sample equity:');
    out(metricsTable(wf.metrics));
    const last = wf.equity[wf.equity.length - 1];
    out(`  ${'Equity'.padEnd(21)}  ${o.job.cash.toFixed(2)} -> ${(last?.equity ?? o.job.cash).toFixed(2)}`);
    return 0;
  }
  const shard = v.shard === undefined ? undefined : parseShard(v.shard);
  if (shard && v.split !== undefined) throw new Error('--shard: not with --split; merge the shards, then check the top sets with --split on one machine');
  const split = v.split === undefined ? undefined : numberFlag('split', v.split, 0.7, (n) => n > 0 && n < 1);
  const times = [...new Set(data.bars.map((b) => b.time))].sort((a, b) => a - b);
  const cut = split === undefined ? undefined : times[Math.floor(times.length * split)]!;
  const inSample = cut === undefined ? data.bars : data.bars.filter((b) => b.time < cut);
  const indexes = shard ? shardIndexes(combos.length, shard) : combos.map((_, i) => i);
  out(`sweep     ${combos.length} combinations${shard ? `, shard ${shard.index}/${shard.count}: ${indexes.length} of them` : ''}${cut !== undefined ? `, in-sample before ${new Date(cut).toISOString().slice(0, 10)}` : ''}`);
  const ran = await runSweep({ ...job, bars: inSample }, indexes.map((i) => combos[i]!), workers, ((p) => (n: number) => p(n, indexes.length))(progressBar('sweep')));
  const results = ran.map((r, k) => ({ ...r, index: indexes[k]! }));
  if (shard) {
    const { strategyPath: _path, bars: _bars, ...settings } = job;
    const sweep = sweepIdentity(o.def.name, data.fingerprint, combos, { ...settings, from: o.from, to: o.to });
    const dir = resolve(v.report ?? join('.pounce', 'sweeps'));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `sweep-shard-${shard.index}-of-${shard.count}.json`);
    writeShardReport(file, { kind: 'pounce.sweep-shard', version: 1, sweep, shard, results });
    out(`\nshard     ${file}\nmerge     npm run backtest -- sweep merge ${join(dir, 'sweep-shard-*.json')}`);
    return 0;
  }
  const ranked = rankSweep(results);
  printRanking(out, ranked, results, top);
  if (cut !== undefined) {
    const best = ranked.slice(0, top);
    const oos = await runSweep({ ...job, bars: data.bars.filter((b) => b.time >= cut) }, best.map((r) => r.params), workers);
    out('\nout-of-sample (the same top parameter sets on data they were not chosen on):');
    oos.forEach((r, i) => out(`${String(i + 1).padStart(4)}  ${(r.metrics?.sharpe ?? NaN).toFixed(2).padStart(6)}  ${((r.metrics?.totalReturn ?? NaN) * 100).toFixed(2).padStart(7)}%  ${paramText(r)}`));
  }
  out(`\nwarning: the best of ${combos.length} in-sample results is optimistically biased (overfitting).${cut === undefined ? ' Use --split 0.7 or --walk-forward to check the top sets out of sample.' : ' Trust the out-of-sample column, not the ranking.'}`);
  return 0;
}

/**
 * `pounce backtest <name> --data FILE...`: replays history through the same engine as paper
 * trading, prints the metrics, writes report.json and report.html; with --sweep, runs every
 * combination on worker threads and ranks them. `tuneGc`: a single run also has V8 collect its old
 * generation sooner (collectOldGenerationSooner, process-wide and for good): the `pounce backtest`
 * process sets it; a caller embedding the command in a process of its own (a test, a server)
 * leaves it off.
 */
export async function runBacktestCommand(argv: string[], out: (l: string) => void, o: { tuneGc?: boolean } = {}): Promise<number> {
  checkRiskArgs(argv);
  if (argv[0] === 'sweep') return runSweepCommand(argv.slice(1), out);
  const { values: v, positionals } = parseCommandArgs(BACKTEST_COMMAND, argv);
  const risk = parseRiskFlags(v);
  const name = positionals[0];
  if (!name) throw new Error(`usage: npm run backtest -- <strategy> --data FILE... (see docs/backtest.md)\nrisk checks, as on paper:\n${riskHelpLines().join('\n')}`);
  const { def, path } = await loadStrategy(name, STRATEGIES_DIR);
  const symbols = v.symbols ? v.symbols.split(',').map((s) => s.trim()) : [...def.symbols];
  const from = parseDateFlag('from', v.from);
  const to = parseDateFlag('to', v.to);
  const sweeping = (v.sweep?.length ?? 0) > 0;
  // A sweep prints its ranking and a walk-forward its windows; a shard's file is the only report either writes.
  if (sweeping && v.report !== undefined && v.shard === undefined) {
    throw new Error(v['walk-forward'] !== undefined ? '--report: a walk-forward prints its windows and stitched metrics; it writes no report' : '--report: with --sweep only --shard writes a report (the file sweep merge reads); a sweep prints its ranking');
  }
  const csv = v.data ?? (v.store !== undefined ? symbols.map((s) => `store:${s}`) : defaultDataFiles(symbols));
  const stream = streamsData(csv, { stream: v.stream, sweeping, kline: v.kline });
  // A single run's old generation is mostly garbage promoted step by step: collected at twice what lives, not four times (see heapGrowth).
  if (!sweeping && o.tuneGc) collectOldGenerationSooner();
  const data: LoadedData | StreamedData = v.kline ? await klineData(v.kline.split(','), v, from, to) : stream ? streamData(csv, { from, to }, { storeDir: v.store }) : loadData(csv, { from, to }, { storeDir: v.store });
  const missing = symbols.filter((s) => !data.files.some((f) => f.symbol === s));
  if (missing.length) throw new Error(`no data for ${missing.join(', ')}: pass --data ${missing[0]}=file.csv (or --symbols)`);
  const cash = numberFlag('cash', v.cash, DEFAULT_STARTING_CASH, (n) => n > 0);
  const fees = v.fees ?? 'tradeup';
  const slippageBps = numberFlag('slippage-bps', v['slippage-bps'], 0, (n) => n >= 0 && n < 10_000);
  const participation = numberFlag('participation', v.participation, 0.1, (n) => n > 0 && n <= 1);
  const fixed = paramPairs(v.param ?? []);
  // Splits and dividends for raw (unadjusted) bars, applied by the matching engine as on the gateway.
  const corporateActions = v['corporate-actions'] ? loadCorporateActions(v['corporate-actions']) : undefined;
  const withholdingTax = numberFlag('withholding-tax', v['withholding-tax'], 0, (n) => n >= 0 && n <= 1);
  const actionsOpts = corporateActions ? { corporateActions, withholdingTax } : {};
  const size = 'bars' in data ? `bars ${data.bars.length}` : `${streamedSources(csv)} (streamed)`;
  out(`strategy  ${def.name}   symbols ${symbols.join(',')}   ${size}   data ${data.fingerprint.slice(0, 12)}`);
  out(`cash      ${cash.toLocaleString('en-US', { minimumFractionDigits: 2 })}${v.cash === undefined ? ' (default)' : ''}`);
  out(`risk      ${describeRisk(risk)}`);

  if (sweeping && 'bars' in data) return runSweepPart({ v, def, path, data, symbols, fixed, from, to, job: { cash, fees, slippageBps, participation, risk, ...actionsOpts } }, out);
  if (v['walk-forward'] !== undefined || v.shard !== undefined) throw new Error(`--${v.shard !== undefined ? 'shard' : 'walk-forward'} needs --sweep`);

  const bar = progressBar('backtest');
  // A stream knows its bytes, not its steps: progress is the share of the files read.
  const onProgress = 'bars' in data ? bar : () => bar(Math.round(data.progress() * 1000), 1000);
  const dir = resolve(v.report ?? join('.pounce', 'reports', `${new Date().toISOString().replace(/[:.]/g, '-')}-${def.name}`));
  const dirExisted = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  // Fills, trades and equity points go to files in the report folder as they happen and nothing
  // of them stays in memory; report.json and report.html are built from those files at the end.
  const streamed = new StreamedReport(dir);
  let result;
  try {
    result = await runBacktest({ def, rawParams: fixed, symbols, bars: 'bars' in data ? data.bars : data, cash, fees, slippageBps, participation, risk, ...actionsOpts, ...streamed.sinks(), onProgress });
  } catch (err) {
    // A failed run leaves no report folder behind.
    await streamed.remove();
    if (!dirExisted) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  out('');
  if (!('bars' in data)) out(`bars      ${data.files.reduce((n, f) => n + f.bars, 0)} from ${data.files.length} file(s)`);
  out(metricsTable(result.metrics, result));
  out(`  ${'Equity'.padEnd(21)}  ${result.startEquity.toFixed(2)} -> ${result.endEquity.toFixed(2)}`);
  out(`  ${'Fills'.padEnd(21)}  ${String(result.fillCount).padStart(12)}`);
  if (result.dividends) out(`  ${'Dividends (net)'.padEnd(21)}  ${result.dividends.net.toFixed(2).padStart(12)}   withheld ${result.dividends.withholdingTax.toFixed(2)}`);
  out(`  ${'Rejected orders'.padEnd(21)}  ${String(result.rejected.count).padStart(12)}`);
  for (const r of result.rejected.reasons.slice(0, 10)) out(`    ${String(r.count).padStart(6)} x ${r.reason}`);
  if (result.rejected.reasons.length > 10) out(`    ... ${result.rejected.reasons.length - 10} more reasons in report.json`);
  const files = await streamed.write(result, { createdAt: new Date().toISOString(), data: { fingerprint: data.fingerprint, files: data.files, from, to } });
  out(`\nreport    ${files.json}\n          ${files.html}`);
  out(`paper     npm run strategy -- ${def.name} --paper --from-report ${dir}`);
  return 0;
}
