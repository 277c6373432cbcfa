import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TradingNode } from '@pounce/runtime';
import { openVenue } from '../packages/cli/src/venue/openVenue.ts';
import bollinger from '../strategies/bollinger-reversion/index.ts';
import smaCross from '../strategies/sma-cross/index.ts';
import { NVDA, ORCL } from './benchData.ts';
import type { BenchResult } from './types.ts';

const CLI = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url));

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) (num += (xs[i]! - mx) * (ys[i]! - my)), (den += (xs[i]! - mx) ** 2);
  return den === 0 ? 0 : num / den;
}

/** Steps after which every bounded per-bar structure (the bar history: 2,000 bars per symbol) is full. */
const WARM_UP_STEPS = 2100;

/** The CSV lines of `file` from `first` (a YYYY-MM-DD date) on, header kept. */
function linesFrom(file: string, first: string): string {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  return [header, ...rows.filter((l) => l.slice(0, 10) >= first)].join('\n') + '\n';
}

/** VmRSS of a process in MB, from /proc (undefined elsewhere). */
function rssOf(pid: number | undefined): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RSS growth of a long-running node, the node alone: `TradingNode` with three strategies
 * (sma-cross 3/8 on NVDA, sma-cross 5/12 on ORCL, bollinger-reversion 10 on ORCX, a copy of ORCL)
 * in this process, connected as a paper account (`openVenue` with a client config, as `npm run
 * node` with `venue.config`) to `pounce gateway` in a child process, which replays the shipped
 * daily files from 1999-01-22 to 2014 paced to last the run. A broker's own records (the gateway
 * keeps every order and fill) are not in the figure: they are the other process's.
 *
 * RSS is sampled after a full GC (bench/run.ts runs this with --expose-gc); the slope is a
 * least-squares fit over the samples after the warm-up: the first fifth of the time and the first
 * WARM_UP_STEPS steps, while each strategy's bar history (up to 2 x 1,000 bars per symbol, then
 * cut back) is still filling. POUNCE_BENCH_RSS_MINUTES (default 5) sets the run;
 * POUNCE_BENCH_RSS_SAMPLES=<file> also writes every sample, warm-up included, as CSV (minutes,
 * steps, orders, rss, heap, external and array-buffer MB), to see where memory goes rather than
 * one fitted figure.
 */
export async function nodeRss(): Promise<BenchResult[]> {
  const minutes = Number(process.env.POUNCE_BENCH_RSS_MINUTES ?? 5);
  const durationMs = minutes * 60_000;
  const warmUpMs = durationMs / 5;
  const sampleMs = Math.max(1000, durationMs / 200);
  const dir = mkdtempSync(join(tmpdir(), 'pounce-bench-node-rss-'));
  const first = '1999-01-22';
  const files = { NVDA: linesFrom(NVDA, first), ORCL: linesFrom(ORCL, first), ORCX: linesFrom(ORCL, first) };
  const days = files.NVDA.split('\n').length - 2;
  // One replay step per day (all three files share the dates); paced so the data lasts the run.
  const speed = Math.max(0.05, Math.floor((days / (durationMs / 1000)) * 100) / 100);
  const data = Object.entries(files).flatMap(([symbol, text]) => {
    const path = join(dir, `${symbol}.csv`);
    writeFileSync(path, text);
    return ['--data', `${symbol}=${path}`];
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const gateway = spawn(process.execPath, [CLI, 'gateway', ...data, '--speed', String(speed), '--cash', '10000000', '--state', join(dir, 'gateway'), '--status-every', '1s'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let gatewayOut = '';
  let position = 0;
  let totalSteps = days;
  gateway.stdout!.setEncoding('utf8').on('data', (d: string) => {
    gatewayOut += d;
    const step = /\(step (\d+)\/(\d+)\)[^\n]*\n?$/.exec(gatewayOut.slice(-200));
    if (step) [position, totalSteps] = [Number(step[1]), Number(step[2])];
    if (gatewayOut.length > 100_000) gatewayOut = gatewayOut.slice(-10_000);
  });
  // A gateway that dies mid-run would leave the node idle and the slope flat: the run fails instead.
  let stopping = false;
  const exited = new Promise<void>((resolve) => gateway.once('exit', () => resolve()));
  const died = exited.then(() => {
    if (!stopping) throw new Error(`pounce gateway exited during the run: ${gatewayOut.slice(-2000)}`);
  });
  died.catch(() => undefined);
  try {
    const configPath = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const path = /client config (\S+)/.exec(gatewayOut)?.[1];
        if (path && gatewayOut.includes('\nready')) resolve(path);
      };
      gateway.stdout!.on('data', check);
      void died.catch(reject);
    });
    const symbols = ['NVDA', 'ORCL', 'ORCX'];
    const { venue } = await openVenue({ mode: 'paper', configPath, symbols, env: {}, grabPermission: false });
    const node = await TradingNode.start({ venue, nodeDir: join(dir, 'node'), strategies: [
      { tag: 'fast', def: smaCross, rawParams: { fast: 3, slow: 8 }, symbols: ['NVDA'] },
      { tag: 'slow', def: smaCross, rawParams: { fast: 5, slow: 12 }, symbols: ['ORCL'] },
      { tag: 'boll', def: bollinger, rawParams: { period: 10 }, symbols: ['ORCX'] },
    ] });
    const t0 = performance.now();
    const xs: number[] = [];
    const steps: number[] = [];
    const rss: number[] = [];
    const heap: number[] = [];
    const samplesFile = process.env.POUNCE_BENCH_RSS_SAMPLES;
    if (samplesFile) writeFileSync(samplesFile, 'minutes,steps,orders,rss_mb,heap_mb,external_mb,array_buffers_mb\n');
    // Samples stop when the data runs out: a node idling after it would flatten the slope.
    let endedAt: number | undefined;
    const sampler = setInterval(() => {
      if (endedAt !== undefined) return;
      const t = performance.now() - t0;
      if (position >= totalSteps) endedAt = t;
      if (t < warmUpMs && !samplesFile) return;
      gc?.();
      const m = process.memoryUsage();
      if (samplesFile) appendFileSync(samplesFile, `${(t / 60_000).toFixed(2)},${position},${node.status().strategies.reduce((n, s) => n + s.orders, 0)},${(m.rss / 1e6).toFixed(2)},${(m.heapUsed / 1e6).toFixed(2)},${(m.external / 1e6).toFixed(2)},${(m.arrayBuffers / 1e6).toFixed(2)}\n`);
      if (t < warmUpMs) return;
      steps.push(position);
      xs.push(t / 3_600_000);
      rss.push(m.rss / 1e6);
      heap.push(m.heapUsed / 1e6);
    }, sampleMs);
    await Promise.race([new Promise((r) => setTimeout(r, durationMs)), died]).finally(() => clearInterval(sampler));
    const gatewayRss = rssOf(gateway.pid);
    const summary = await node.stop();
    const fills = summary.summaries.reduce((n, s) => n + s.fills, 0);
    const orders = summary.summaries.reduce((n, s) => n + s.orders, 0);
    // Samples once the bar history is full; on a machine too busy to get there, every sample after
    // the time warm-up, and the row says the figure includes the history filling (an upper bound).
    const full = steps.map((n, i) => (n >= WARM_UP_STEPS ? i : -1)).filter((i) => i >= 0);
    const use = full.length >= 10 ? full : xs.map((_, i) => i);
    const pick = (a: number[]) => use.map((i) => a[i]!);
    const rssSlope = slope(pick(xs), pick(rss));
    const ranOut = endedAt !== undefined && endedAt < durationMs - sampleMs ? `; the data ran out after ${(endedAt / 60_000).toFixed(1)} min, samples end there` : '';
    const caveat = (full.length >= 10 ? '' : ` (only ${position} steps: fitted while the bar history was still filling, an upper bound)`) + ranOut;
    const detail = `TradingNode in the bench process, 3 strategies (sma-cross x2, bollinger-reversion), paper account on pounce gateway in a child process, ${minutes} min, the shipped NVDA/ORCL daily files (${days} days, ORCL twice) at ${speed} days/s: ${position} replay steps, ${orders} orders, ${fills} fills; ${use.length} samples after a warm-up of ${(warmUpMs / 60_000).toFixed(1)} min and ${WARM_UP_STEPS} steps${caveat}${gc ? ', each after a full GC' : ''}; node RSS ${pick(rss)[0]?.toFixed(1)} -> ${pick(rss)[use.length - 1]?.toFixed(1)} MB, heap slope ${slope(pick(xs), pick(heap)).toFixed(2)} MB/h; the gateway process (not counted) ended at ${gatewayRss?.toFixed(0) ?? '?'} MB`;
    return [{ name: `node RSS growth, ${minutes} min, gateway in another process`, value: rssSlope, unit: 'MB/h', target: 5, better: 'lower', detail }];
  } finally {
    stopping = true;
    gateway.kill('SIGTERM');
    const kill = setTimeout(() => gateway.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
    rmSync(dir, { recursive: true, force: true });
  }
}
