import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticBars } from '@pounce/gateway';
import { defineStrategy, OpenApiVenue, OrderJournal, TradingNode } from '../src/index.ts';
import { clientsFor, startTestGateway, tempDirs, until } from '../../gateway/test/testGateway.ts';

const tmp = tempDirs();

/** Keeps one limit buy far under the market working: something for a flatten to cancel. */
const resting = defineStrategy({
  name: 'resting', params: {}, symbols: ['AAA'],
  setup(ctx) {
    ctx.bars$().subscribe(({ symbol, close }) => {
      if (ctx.workingOrders(symbol) === 0) void ctx.submit({ symbol, side: 'BUY', quantity: 1, type: 'limit', limitPrice: Math.round(close * 50) / 100 });
    });
  },
});

describe('an operator action that fails at the venue', () => {
  it('is answered ok:false and journaled in node.jsonl and the strategy journal, never a rejected promise', async () => {
    const gw = await startTestGateway({ bars: syntheticBars({ symbols: ['AAA'], bars: 60, seed: 3 }) });
    gw.advance(2);
    const { api, push } = clientsFor(gw);
    const venue = new OpenApiVenue('embedded-paper', api, push, ['AAA'], () => gw.replay.now());
    const nodeDir = tmp('pounce-nodectl-');
    const node = await TradingNode.start({ venue, nodeDir, strategies: [{ tag: 'r', def: resting, symbols: ['AAA'] }] });
    try {
      const engine = node.engines.get('r')!;
      gw.advance(1);
      await until(() => engine.execution.openOrders.length === 1, 5000);
      // The venue stops answering: flatten's cancel-all cannot list the open orders.
      gw.faults.refuseHttp = true;
      const r = await node.control('flatten', 'r', 'dashboard');
      expect(r.ok).toBe(false);
      expect(r.text).toMatch(/^flatten failed: /);
      const nodeLines = readFileSync(join(nodeDir, 'node.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(nodeLines.filter((l) => l.e === 'control')).toEqual([expect.objectContaining({ tag: 'r', action: 'flatten', by: 'dashboard', ok: false, outcome: r.text })]);
      const own = OrderJournal.read(join(nodeDir, 'strategies', 'r')).filter((e) => e.e === 'control');
      expect(own).toEqual([expect.objectContaining({ action: 'flatten', by: 'dashboard', ok: false, outcome: r.text })]);
      // The node still takes actions afterwards.
      gw.faults.refuseHttp = false;
      expect(await node.control('pause', 'r', 'ctl')).toMatchObject({ ok: true });
    } finally {
      gw.faults.refuseHttp = false;
      await node.stop();
      await gw.stop();
    }
  }, 60_000);
});

describe('a node resumed on another account, or started again in its folder', () => {
  it('is refused before any strategy starts, naming both accounts (a second start: naming the folder)', async () => {
    const gw = await startTestGateway({ bars: syntheticBars({ symbols: ['AAA'], bars: 60, seed: 3 }) });
    gw.advance(2);
    const clients = () => clientsFor(gw);
    const nodeDir = tmp('pounce-node-account-');
    try {
      const first = clients();
      const node = await TradingNode.start({ venue: new OpenApiVenue('embedded-paper', first.api, first.push, ['AAA'], () => gw.replay.now()), nodeDir, strategies: [{ tag: 'r', def: resting, symbols: ['AAA'] }] });
      await node.stop();
      const second = clients();
      const venue = new OpenApiVenue('embedded-paper', second.api, second.push, ['AAA'], () => gw.replay.now());
      Object.defineProperty(venue, 'account', { get: () => 'U999999' });
      let setups = 0;
      const counting = defineStrategy({ ...resting, setup: (ctx) => void (setups++, resting.setup(ctx)) });
      // A strategy added since the last run comes first: before, it started (and could trade) on the other account.
      await expect(TradingNode.start({ venue, nodeDir, resume: true, strategies: [{ tag: 'new', def: counting, symbols: ['AAA'] }, { tag: 'r', def: resting, symbols: ['AAA'] }] }))
        .rejects.toThrow(`this node's journal is for account ${gw.account}, the venue's account is U999999`);
      expect(setups).toBe(0);
      // Nor is a second node started afresh in the folder (on any account).
      await expect(TradingNode.start({ venue, nodeDir, strategies: [{ tag: 'new', def: counting, symbols: ['AAA'] }] })).rejects.toThrow(`node folder ${nodeDir} already holds a node`);
      expect(setups).toBe(0);
    } finally {
      await gw.stop();
    }
  }, 60_000);
});

describe('a strategy stopped by an operator, then the node resumed', () => {
  it('stays stopped, and its status counts its journal (as a running strategy\'s does)', async () => {
    const gw = await startTestGateway({ bars: syntheticBars({ symbols: ['AAA'], bars: 60, seed: 3 }) });
    gw.advance(2);
    const venue = () => {
      const { api, push } = clientsFor(gw);
      return new OpenApiVenue('embedded-paper', api, push, ['AAA'], () => gw.replay.now());
    };
    /** Buys one share on each bar it sees. */
    const buyer = defineStrategy({ name: 'buyer', params: {}, symbols: ['AAA'], setup(ctx) {
      ctx.bars$().subscribe(({ symbol }) => void ctx.submit({ symbol, side: 'BUY', quantity: 1 }));
    } });
    const nodeDir = tmp('pounce-node-stopped-');
    const strategies = [{ tag: 'b', def: buyer, symbols: ['AAA'] }];
    try {
      const first = await TradingNode.start({ venue: venue(), nodeDir, strategies });
      const engine = first.engines.get('b')!;
      // Bar by bar, each answered by an order, until three fills are booked (an order fills at the next bar).
      while (engine.status().fills < 3) {
        const orders = engine.status().orders;
        gw.advance(1);
        await until(() => engine.status().orders > orders && engine.execution.inFlight === 0, 5000);
      }
      expect((await first.control('stop', 'b', 'ctl')).ok).toBe(true);
      await first.stop();
      const journaled = OrderJournal.read(join(nodeDir, 'strategies', 'b'));
      const fills = new Set(journaled.flatMap((e) => (e.e === 'fill' ? [e.fill.id] : []))).size;
      expect(fills).toBeGreaterThanOrEqual(3);

      const second = await TradingNode.start({ venue: venue(), nodeDir, strategies, resume: true });
      try {
        // Before: 0 orders and 0 fills, while a running strategy showed its whole run.
        expect(second.status().strategies).toEqual([expect.objectContaining({ tag: 'b', state: 'stopped', fills, orders: journaled.filter((e) => e.e === 'intent').length })]);
      } finally {
        await second.stop();
      }
    } finally {
      await gw.stop();
    }
  }, 60_000);
});
