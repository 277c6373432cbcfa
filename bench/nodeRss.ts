import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData } from '@pounce/backtest';
import { TradingNode } from '@pounce/runtime';
import { startEmbeddedVenue } from '../packages/cli/src/venue/embeddedVenue.ts';
import bollinger from '../strategies/bollinger-reversion/index.ts';
import smaCross from '../strategies/sma-cross/index.ts';
import { NVDA, ORCL } from './benchData.ts';
import type { BenchResult } from './types.ts';

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

/**
 * RSS growth of a long-running node: `TradingNode` with three strategies (sma-cross 3/8 on NVDA,
 * sma-cross 5/12 on ORCL, bollinger-reversion 10 on ORCX, a copy of ORCL) on the embedded gateway
 * in this process (as `npm run node` with `venue.embedded`), replaying the shipped daily files
 * (1999-2014) paced to last the run, journals on disk. RSS is sampled after a full GC (when run
 * with --expose-gc, as bench/run.ts does); the slope is a least-squares fit over the samples after
 * the warm-up: the first fifth of the time and the first WARM_UP_STEPS steps, while each
 * strategy's bar history (BarFeed: up to 2 x 1,000 bars per symbol, then cut back) is still
 * filling. POUNCE_BENCH_RSS_MINUTES (default 5) sets the run; POUNCE_BENCH_RSS_SAMPLES=<file> also
 * writes every sample, warm-up included, as CSV (minutes, steps, orders, rss MB, heap MB), to see
 * where memory goes rather than one fitted figure.
 */
/** Steps after which every bounded per-bar structure (the bar history: 2,000 bars per symbol) is full. */
const WARM_UP_STEPS = 2100;

export async function nodeRss(): Promise<BenchResult[]> {
  const minutes = Number(process.env.POUNCE_BENCH_RSS_MINUTES ?? 5);
  const durationMs = minutes * 60_000;
  const warmUpMs = durationMs / 5;
  const sampleMs = Math.max(1000, durationMs / 200);
  const { bars: daily } = loadData([`NVDA=${NVDA}`, `ORCL=${ORCL}`]);
  const start = Math.min(...daily.filter((b) => b.symbol === 'NVDA').map((b) => b.time));
  const window = daily.filter((b) => b.time >= start);
  const bars = [...window, ...window.filter((b) => b.symbol === 'ORCL').map((b) => ({ ...b, symbol: 'ORCX' }))].sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol));
  const symbols = ['NVDA', 'ORCL', 'ORCX'];
  // Paced so the data lasts the whole run (a slow machine steps fewer and ends early in the data).
  // The speed caps replay advances, and on this data each day takes two (its bars, and a replay-time
  // timer of the client's that falls due before the next day: measured), so twice the days.
  const days = new Set(bars.map((b) => b.time)).size;
  const ADVANCES_PER_DAY = 2;
  const speed = Math.max(0.5, Math.floor(((ADVANCES_PER_DAY * days) / (durationMs / 1000)) * 10) / 10);
  const dir = mkdtempSync(join(tmpdir(), 'pounce-bench-node-rss-'));
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    const { venue, replay, gateway } = await startEmbeddedVenue({ bars, symbols, stateDir: join(dir, 'gateway'), speed, matching: { initialCash: 1e7, participation: 0.1 } });
    const node = await TradingNode.start({ venue, nodeDir: join(dir, 'node'), strategies: [
      { tag: 'fast', def: smaCross, rawParams: { fast: 3, slow: 8 }, symbols: ['NVDA'] },
      { tag: 'slow', def: smaCross, rawParams: { fast: 5, slow: 12 }, symbols: ['ORCL'] },
      { tag: 'boll', def: bollinger, rawParams: { period: 10 }, symbols: ['ORCX'] },
    ] });
    replay.holdWhile(() => node.lookupsInProgress > 0);
    const t0 = performance.now();
    const xs: number[] = [];
    const steps: number[] = [];
    const rss: number[] = [];
    const heap: number[] = [];
    const samplesFile = process.env.POUNCE_BENCH_RSS_SAMPLES;
    if (samplesFile) writeFileSync(samplesFile, 'minutes,steps,orders,rss_mb,heap_mb\n');
    // Samples stop when the data runs out: a node idling after it would flatten the slope.
    let endedAt: number | undefined;
    const sampler = setInterval(() => {
      if (endedAt !== undefined) return;
      const t = performance.now() - t0;
      if (t < warmUpMs && !samplesFile) return;
      gc?.();
      const m = process.memoryUsage();
      if (samplesFile) appendFileSync(samplesFile, `${(t / 60_000).toFixed(2)},${gateway.replay.position},${node.status().strategies.reduce((n, s) => n + s.orders, 0)},${(m.rss / 1e6).toFixed(2)},${(m.heapUsed / 1e6).toFixed(2)}\n`);
      if (t < warmUpMs) return;
      steps.push(gateway.replay.position);
      xs.push(t / 3_600_000);
      rss.push(m.rss / 1e6);
      heap.push(m.heapUsed / 1e6);
    }, sampleMs);
    const running = replay.start().then(() => void (endedAt ??= performance.now() - t0));
    await new Promise((r) => setTimeout(r, durationMs));
    clearInterval(sampler);
    replay.stop();
    await running;
    const stepped = gateway.replay.position;
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
    const caveat = (full.length >= 10 ? '' : ` (only ${stepped} steps: fitted while the bar history was still filling, an upper bound)`) + ranOut;
    const detail = `TradingNode, 3 strategies (sma-cross x2, bollinger-reversion) on the in-process embedded gateway, ${minutes} min, the shipped NVDA/ORCL daily files (${days} days) at ${speed / ADVANCES_PER_DAY} days/s: ${stepped} replay steps, ${orders} orders, ${fills} fills; ${use.length} samples after a warm-up of ${(warmUpMs / 60_000).toFixed(1)} min and ${WARM_UP_STEPS} steps${caveat}${gc ? ', each after a full GC' : ''}; RSS ${pick(rss)[0]?.toFixed(1)} -> ${pick(rss)[use.length - 1]?.toFixed(1)} MB, heap slope ${slope(pick(xs), pick(heap)).toFixed(2)} MB/h; includes the gateway's own order and fill records (a broker's, in this process)`;
    return [{ name: `node RSS growth, ${minutes} min on the embedded gateway`, value: rssSlope, unit: 'MB/h', target: 5, better: 'lower', detail }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
