import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fill } from '@pounce/core';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import { tieredFees, type MarketBar } from '@pounce/matching';
import { loadStrategy, parseClientOrderId, TradingEngine, TradingNode, type NodeStrategy } from '@pounce/runtime';
import { startEmbeddedVenue } from '../src/venue/embeddedVenue.ts';
import { STRATEGIES_DIR } from '../src/commands/strategiesDir.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-node-'));
  dirs.push(d);
  return d;
};

/** NVDA and ORCL daily bars from NVDA's first day, plus ORCL relabeled ORCX: three symbols on one clock. */
function threeSymbols(steps: number): MarketBar[] {
  const { bars } = loadData([`NVDA=${DEFAULT_DATA.NVDA}`, `ORCL=${DEFAULT_DATA.ORCL}`]);
  const start = Math.min(...bars.filter((b) => b.symbol === 'NVDA').map((b) => b.time));
  const times = [...new Set(bars.filter((b) => b.time >= start).map((b) => b.time))].sort((a, b) => a - b).slice(0, steps);
  const last = times[times.length - 1]!;
  const window = bars.filter((b) => b.time >= start && b.time <= last);
  return [...window, ...window.filter((b) => b.symbol === 'ORCL').map((b) => ({ ...b, symbol: 'ORCX' }))].sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol));
}

const matching = { fees: tieredFees(), participation: 0.1, slippageBps: 0, allowShort: true };
/** What must equal between runs: everything but ids (the gateway numbers orders per account). */
const comparable = (f: Fill) => ({ symbol: f.symbol, action: f.action, quantity: f.quantity, price: f.price, time: f.time });

async function strategies(): Promise<NodeStrategy[]> {
  const sma = (await loadStrategy('sma-cross', STRATEGIES_DIR)).def;
  const boll = (await loadStrategy('bollinger-reversion', STRATEGIES_DIR)).def;
  return [
    { tag: 'fast', def: sma, rawParams: { fast: 3, slow: 8 }, symbols: ['NVDA'] },
    { tag: 'slow', def: sma, rawParams: { fast: 5, slow: 12 }, symbols: ['ORCL'] },
    { tag: 'boll', def: boll, rawParams: { period: 10 }, symbols: ['ORCX'] },
  ];
}

async function solo(s: NodeStrategy, bars: MarketBar[]): Promise<Fill[]> {
  const dir = tmp();
  const { venue, replay } = await startEmbeddedVenue({ bars, symbols: s.symbols!, stateDir: join(dir, 'gateway'), speed: 'max', matching });
  const fills: Fill[] = [];
  const engine = await TradingEngine.start({ def: s.def, rawParams: s.rawParams, symbols: s.symbols, venue, runDir: join(dir, 'run'), journal: 'none' });
  engine.execution.fills$.subscribe((f) => fills.push(f));
  replay.holdWhile(() => engine.execution.lookupsInProgress > 0);
  await replay.start();
  await engine.stop();
  return fills;
}

describe('a node runs many strategies on one connection', () => {
  it('three strategies (two of one plugin, different params) on disjoint symbols: each one\'s fills equal its solo run', async () => {
    const bars = threeSymbols(160);
    const specs = await strategies();
    const dir = tmp();
    const { venue, replay, gateway } = await startEmbeddedVenue({ bars, symbols: ['NVDA', 'ORCL', 'ORCX'], stateDir: join(dir, 'gateway'), speed: 'max', matching });
    const node = await TradingNode.start({ venue, strategies: specs, nodeDir: join(dir, 'node') });
    const byTag = new Map<string, Fill[]>(specs.map((s) => [s.tag, []]));
    for (const [tag, e] of node.engines) e.execution.fills$.subscribe((f) => byTag.get(tag)!.push(f));
    replay.holdWhile(() => node.lookupsInProgress > 0);
    await replay.start();
    expect(replay.stalls).toBe(0);
    // One push connection for all three strategies.
    expect(gateway.pushConnections).toBe(1);
    const summary = await node.stop();

    for (const s of specs) {
      const mine = byTag.get(s.tag)!;
      expect(mine.length, `${s.tag} trades in this window`).toBeGreaterThan(0);
      // Only its own symbol's fills reach a strategy.
      expect(new Set(mine.map((f) => f.symbol))).toEqual(new Set(s.symbols));
      expect(mine.map(comparable)).toEqual((await solo(s, bars)).map(comparable));
      // Each strategy's journal holds its own orders only, each carrying its tag in the userMark.
      const journal = readFileSync(join(dir, 'node', 'strategies', s.tag, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { e: string; order?: { userMark: string } });
      const marks = journal.filter((e) => e.e === 'order').map((e) => parseClientOrderId(e.order!.userMark)?.tag);
      expect(marks.length).toBeGreaterThan(0);
      expect(new Set(marks)).toEqual(new Set([s.tag]));
    }
    // Per-strategy positions come from its own fills.
    for (const st of summary.strategies) {
      const own = byTag.get(st.tag)!;
      const net = new Map<string, number>();
      for (const f of own) net.set(f.symbol, (net.get(f.symbol) ?? 0) + (f.action === 'BUY' ? f.quantity : -f.quantity));
      expect(st.positions).toEqual([...net].filter(([, q]) => q !== 0).map(([symbol, quantity]) => ({ symbol, quantity })));
    }
    expect(summary.account.externalOrders).toEqual([]);
  }, 120_000);

  it('an order over an account limit is journaled as rejected and never reaches the venue', async () => {
    const bars = threeSymbols(80);
    const [fast] = await strategies();
    const dir = tmp();
    const { venue, replay } = await startEmbeddedVenue({ bars, symbols: ['NVDA'], stateDir: join(dir, 'gateway'), speed: 'max', matching });
    const node = await TradingNode.start({ venue, strategies: [fast!], nodeDir: join(dir, 'node'), account: { maxGrossExposure: 1 } });
    replay.holdWhile(() => node.lookupsInProgress > 0);
    await replay.start();
    const summary = await node.stop();
    const journal = readFileSync(join(dir, 'node', 'strategies', 'fast', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { e: string; reason?: string });
    const rejected = journal.filter((e) => e.e === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.reason).toMatch(/^venue: account risk: account gross exposure .* would exceed 1 \(code 0\)$/);
    expect(journal.filter((e) => e.e === 'order')).toEqual([]);
    expect(summary.strategies[0]!.fills).toBe(0);
  }, 60_000);
});
