import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, OpenApiClient, PushClient, type Fill } from '@pounce/core';
import { Gateway, syntheticBars } from '@pounce/gateway';
import { perShareFees } from '@pounce/matching';
import { defineStrategy, OpenApiVenue, TradingEngine, type StrategyContext } from '@pounce/runtime';
import { median } from './benchData.ts';
import type { BenchResult } from './types.ts';

/**
 * `submit` of a marketable order to its fill on `fills$`, through the strategy API, signed HTTP,
 * the gateway's engine and the TLS push. The gateway steps one bar right after the place_order
 * reply (a market order fills on the next bar), so the figure is the pipeline's own latency. The
 * run keeps its order journal on disk, as a paper run does.
 */
export async function orderRoundTrip(orders = 10_000, runs = 3): Promise<BenchResult[]> {
  const p50s: number[] = [];
  const p99s: number[] = [];
  let worst = 0;
  for (let r = 0; r < runs; r++) {
    const lat = await oneRun(orders);
    const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
    p50s.push(p(0.5));
    p99s.push(p(0.99));
    worst = Math.max(worst, p(1));
  }
  return [
    { name: 'order round trip p50 (submit -> fills$)', value: median(p50s), unit: 'ms', target: 2, better: 'lower', detail: `gateway in the same process, client rate limiter off, the next bar sent right after each reply; median of ${runs} runs x ${orders} orders over loopback: ${p50s.map((x) => x.toFixed(2)).join(', ')}` },
    { name: 'order round trip p99', value: median(p99s), unit: 'ms', target: 10, better: 'lower', detail: `runs: ${p99s.map((x) => x.toFixed(1)).join(', ')}; worst single order ${worst.toFixed(1)} ms` },
  ];
}

async function oneRun(orders: number): Promise<number[]> {
  const gw = await Gateway.start({ stateDir: mkdtempSync(join(tmpdir(), 'pounce-bench-')), bars: syntheticBars({ symbols: ['AAA'], bars: orders + 100, seed: 3 }), speed: 'manual', matching: { fees: perShareFees(0), initialCash: 1e12, participation: 1 } });
  gw.advance(1);
  const cfg = loadConfig({ path: gw.clientConfigPath, env: {} });
  const api = OpenApiClient.fromConfig(cfg, { rateLimit: false });
  const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem });
  let ctx: StrategyContext | undefined;
  const def = defineStrategy({ name: 'rt', params: {}, symbols: ['AAA'], setup: (c) => void (ctx = c as StrategyContext) });
  const engine = await TradingEngine.start({ def, venue: new OpenApiVenue('embedded-paper', api, push, ['AAA'], () => gw.replay.now()), runDir: mkdtempSync(join(tmpdir(), 'pounce-bench-run-')) });
  let waiting: ((f: Fill) => void) | undefined;
  ctx!.fills$.subscribe((f) => waiting?.(f));
  await new Promise((r) => setTimeout(r, 100));
  const lat: number[] = [];
  for (let i = 0; i < orders; i++) {
    const filled = new Promise<Fill>((r) => (waiting = r));
    const t0 = performance.now();
    await ctx!.submit({ symbol: 'AAA', side: i % 2 ? 'SELL' : 'BUY', quantity: 1 });
    gw.advance(1);
    await filled;
    lat.push(performance.now() - t0);
  }
  await engine.stop();
  await gw.stop();
  return lat.sort((a, b) => a - b);
}
