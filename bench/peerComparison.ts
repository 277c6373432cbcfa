import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProcessCost, runMeasured } from './peers/measuredProcess.ts';
import { parsePeerFills, pounceFills } from './peers/pounceFills.ts';
import { compareTradeLists, roundTrips, tieFillBars, type TradeListComparison } from './peers/tradeLists.ts';
import type { BenchResult } from './types.ts';

// ../shared beside the repository: the peer (backtrader, run from its folder, never copied here) and the data.
const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
const peersIn = (shared: string) => join(shared, 'peers');
const backtraderIn = (shared: string) => join(shared, 'peers', 'backtrader-1.9.78');
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/main.js');
const DRIVER = fileURLToPath(new URL('./peers/backtrader_sma_cross.py', import.meta.url));
const ON_FILE_BARS = fileURLToPath(new URL('./peers/smaCrossOnFileBars.ts', import.meta.url));
const FLOOR = fileURLToPath(new URL('./peers/smaCrossFloor.mjs', import.meta.url));
const CASH = '10000000';

interface Workload {
  /** Row label, e.g. '1M one-minute bars, one symbol'. */
  label: string;
  kind: 'daily' | 'minute';
  file: string;
  symbols: number;
  /** Pounce's strategy argument: a name or a path. */
  strategy: string;
  speedTarget: number;
}

/**
 * sma-cross 10/30, 100 shares, market orders at the next bar's open, no fees, no slippage, no volume
 * cap, as backtrader fills: one symbol of 1,000,000 generated one-minute bars (make_minute_bars.py,
 * seeded). Each engine a whole process of its own, as a user runs it; trade lists compared.
 */
export async function peerMinute(shared = SHARED, bars = 1_000_000): Promise<BenchResult[]> {
  const label = `${bars === 1_000_000 ? '1M' : bars.toLocaleString('en-US')} one-minute bars, one symbol`;
  const missing = missingPeer(shared);
  if (missing) return skipped(label, missing);
  const dir = mkdtempSync(join(tmpdir(), 'pounce-bench-peers-'));
  try {
    const file = join(dir, 'minute.csv');
    const made = spawnSync('python3', [join(peersIn(shared), 'make_minute_bars.py'), file, String(bars)], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`make_minute_bars.py exited ${made.status}: ${made.stderr}`);
    // Written back to disk before either engine runs, so that neither reads it while the kernel
    // flushes its 60 MB (Pounce runs first). Whether that explained two slow recordings (6.0-6.1 s
    // against 4.5-4.8 s) is not shown: one earlier recording without it was 4.7 s.
    const fd = openSync(file, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    return await compare(shared, dir, { label, kind: 'minute', file, symbols: 1, strategy: ON_FILE_BARS, speedTarget: 50 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same strategy on 100 copies of the 4,713-bar ORCL daily file (471,300 bars, 100 symbols). */
export async function peerDaily(shared = SHARED): Promise<BenchResult[]> {
  const label = '100 x ORCL daily file (471k bars)';
  const file = join(shared, 'data/orcl-1995-2014.csv');
  const missing = missingPeer(shared) ?? (existsSync(file) ? undefined : `${file} not found`);
  if (missing) return skipped(label, missing);
  const dir = mkdtempSync(join(tmpdir(), 'pounce-bench-peers-'));
  try {
    return await compare(shared, dir, { label, kind: 'daily', file, symbols: 100, strategy: 'sma-cross', speedTarget: 25 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why the peer rows cannot run here, or undefined. */
function missingPeer(shared: string): string | undefined {
  const backtrader = backtraderIn(shared);
  if (!existsSync(backtrader)) return `${backtrader} not found (the peer lives in ../shared beside the repository)`;
  if (spawnSync('python3', ['--version']).status !== 0) return 'python3 not found';
  return undefined;
}

function skipped(label: string, why: string): BenchResult[] {
  return [{ name: `whole process vs backtrader, ${label}`, value: 0, unit: '', target: Infinity, better: 'higher', detail: `skipped: ${why}`, skipped: true }];
}

async function compare(shared: string, dir: string, w: Workload): Promise<BenchResult[]> {
  const names = Array.from({ length: w.symbols }, (_, i) => `S${i}`);
  // Other load on a shared machine stretches wall time (CPU time far less): recorded beside the figures.
  const load = loadavg()[0]!;
  const report = join(dir, 'report');
  const pounce = await runMeasured(process.execPath, [CLI, 'backtest', w.strategy, ...names.flatMap((s) => ['--data', `${s}=${w.file}`]), '--symbols', names.join(','), '--cash', CASH, '--fees', 'zero', '--slippage-bps', '0', '--participation', '1', '--report', report]);
  const peerFillsFile = join(dir, 'backtrader-fills.csv');
  const peer = await runMeasured('python3', [DRIVER, w.kind, w.file, String(w.symbols), peerFillsFile], { ...process.env, PYTHONPATH: backtraderIn(shared) });

  const granularity = w.kind === 'daily' ? 'day' : 'minute';
  const ties = tiesOf(w.file, w.kind);
  const tieMap = new Map(names.map((s) => [s, ties.fillKeys]));
  const ourFills = pounceFills(report, granularity);
  const trades = compareTradeLists(roundTrips(ourFills), roundTrips(parsePeerFills(readFileSync(peerFillsFile, 'utf8'))), tieMap);
  const ourEquity = (JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { endEquity: number }).endEquity;
  const peerEquity = Number(/final (\S+)/.exec(peer.stdout)?.[1]);

  const name = `whole process vs backtrader, ${w.label}`;
  const peak = (c: ProcessCost) => `${c.peakMB.toFixed(0)} MB${c.peakBy === 'polled' ? ' (polled VmHWM)' : ''}`;
  const floor = w.kind === 'minute' ? [await floorRow(name, w.file, dir, peer, ourFills.length, peerEquity)] : [];
  return [
    { name: `${name}: speed`, value: peer.seconds / pounce.seconds, unit: 'x', target: w.speedTarget, better: 'higher', detail: `Pounce ${pounce.seconds.toFixed(1)} s, backtrader ${peer.seconds.toFixed(1)} s${cpu(pounce, peer)}: wall time from spawn to exit of each process (npm run backtest's command with --fees zero --slippage-bps 0 --participation 1, report written; backtrader through bench/peers/backtrader_sma_cross.py), one run each; 1-minute load average ${load.toFixed(1)} at the start` },
    ...floor,
    { name: `${name}: peak memory`, value: pounce.peakMB, unit: 'MB RSS', target: peer.peakMB, better: 'lower', detail: `target: backtrader's peak in the same run (${peak(peer)}); Pounce ${peak(pounce)}; each process's own maxrss` },
    { name: `${name}: trade lists`, value: trades.unexplained, unit: 'trades differ', target: 0, better: 'lower', detail: `${tradeSummary(trades, ties.ties)}; final equity Pounce ${ourEquity.toFixed(2)}, backtrader ${peerEquity.toFixed(2)}` },
  ];
}

/**
 * For scale: the same workload with no engine at all (bench/peers/smaCrossFloor.mjs: Pounce's CSV
 * reader and equity text writer around a hand-written loop), whole process, and the ratio to
 * backtrader that would give: what no whole-process run using that reader and writer on this
 * machine can beat.
 */
async function floorRow(name: string, file: string, dir: string, peer: ProcessCost, ourFills: number, peerEquity: number): Promise<BenchResult> {
  const floor = await runMeasured(process.execPath, [FLOOR, file, join(dir, 'floor-equity.json')]);
  const said = /fills (\d+) final (\S+)/.exec(floor.stdout);
  const cpuText = floor.cpuSeconds === undefined ? '' : ` (CPU ${floor.cpuSeconds.toFixed(1)} s)`;
  return {
    name: `${name}: the same loop without an engine`, value: peer.seconds / floor.seconds, unit: 'x', target: Infinity, better: 'higher',
    detail: `report only; backtrader's time over that of bench/peers/smaCrossFloor.mjs: Pounce's CSV reader and report.json's equity text writer around a hand-written sma-cross loop (no engine, strategy contract, orders or report.html), ${floor.seconds.toFixed(1)} s${cpuText} whole process in this run; ${said?.[1] ?? '?'} fills (Pounce ${ourFills}), final equity ${said?.[2] ?? '?'} (backtrader ${peerEquity.toFixed(2)})`,
  };
}

/** CPU seconds of both (when measured): the machine is shared, and CPU time is what other load distorts least. */
function cpu(pounce: ProcessCost, peer: ProcessCost): string {
  if (pounce.cpuSeconds === undefined || peer.cpuSeconds === undefined) return '';
  return ` (CPU ${pounce.cpuSeconds.toFixed(1)} s vs ${peer.cpuSeconds.toFixed(1)} s: ${(peer.cpuSeconds / pounce.cpuSeconds).toFixed(1)}x)`;
}

function tradeSummary(c: TradeListComparison, ties: number): string {
  const unmatched = c.oursOnly.length + c.peerOnly.length;
  const atTies = unmatched === 0 ? '' : `; unmatched: ${c.oursOnly.length} Pounce-only and ${c.peerOnly.length} backtrader-only, ${c.atTies} of them spanning a bar where the 10- and 30-bar averages are exactly equal (${ties} such bar${ties === 1 ? '' : 's'} in the data file; the cross there turns on each engine's floating-point rounding)`;
  return `${c.equal.toLocaleString('en-US')} of ${c.peer.toLocaleString('en-US')} backtrader round trips equal (Pounce ${c.ours.toLocaleString('en-US')}; same bars, prices, size)${atTies}`;
}

/** Bars of the file where the averages tie, and the bar keys (as the comparison writes them) whose fills a tie can decide. */
function tiesOf(file: string, kind: 'daily' | 'minute'): { ties: number; fillKeys: string[] } {
  const rows = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.length > 0).map((l) => l.split(','));
  // Daily (Yahoo): Date,Open,High,Low,Close,...; minute: Date,Time,Open,High,Low,Close,...
  const close = kind === 'daily' ? 4 : 5;
  const keys = rows.map((r) => (kind === 'daily' ? r[0]! : `${r[0]} ${r[1]!.slice(0, 5)}`));
  let decimals = 0;
  for (const r of rows) decimals = Math.max(decimals, r[close]!.split('.')[1]?.length ?? 0);
  const closes = rows.map((r) => Math.round(Number(r[close]) * 10 ** decimals));
  const { ties, fillBars } = tieFillBars(closes, 10, 30);
  return { ties, fillKeys: fillBars.map((i) => keys[i]!) };
}
