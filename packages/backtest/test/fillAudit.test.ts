import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticBars } from '@pounce/gateway';
import { tieredFees } from '@pounce/matching';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { FillSpool, loadData, runBacktest, streamData, writeReport, type BacktestFill } from '../src/index.ts';
import { tempDirs } from '../../gateway/test/testGateway.ts';

const NVDA = `NVDA=${fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url))}`;
const RANGE = { to: Date.UTC(2006, 0, 1) };
const OPTIONS = { def: smaCross } as const;

const newTempDir = tempDirs();
const tempDir = () => newTempDir('pounce-fills-');

describe('the fill audit trail', () => {
  it('gives every fill its fee and client order id; per order the fees add up to the fee schedule', async () => {
    // One trading day of minute bars; orders of 500 at 0.2% of each bar's volume fill over several bars.
    const bars = syntheticBars({ symbols: ['AAA'], bars: 380, seed: 5 });
    const r = await runBacktest({ def: smaCross, symbols: ['AAA'], rawParams: { fast: 5, slow: 20, size: 500 }, timeframe: '1m', participation: 0.002, bars });
    expect(r.fills.length).toBe(r.fillCount);
    const byOrder = new Map<string, BacktestFill[]>();
    for (const f of r.fills) byOrder.set(f.orderId, [...(byOrder.get(f.orderId) ?? []), f]);
    expect(byOrder.size).toBeGreaterThan(5);
    expect([...byOrder.values()].filter((fs) => fs.length > 1).length).toBeGreaterThan(5);
    const cids = new Set<string>();
    for (const fs of byOrder.values()) {
      // One client order id per order, from the runtime's numbering.
      expect(new Set(fs.map((f) => f.clientOrderId)).size).toBe(1);
      expect(fs[0]!.clientOrderId).toMatch(/^pc1\.backtest00\.main\.\d+$/);
      cids.add(fs[0]!.clientOrderId);
      const qty = fs.reduce((n, f) => n + f.quantity, 0);
      const value = fs.reduce((n, f) => n + f.quantity * f.price, 0);
      expect(fs.reduce((n, f) => n + f.fee, 0)).toBeCloseTo(tieredFees().orderFee(fs[0]!.action, qty, value), 6);
      // The per-order minimums are charged on the first fill; later ones pay only beyond them.
      expect(fs[0]!.fee).toBeGreaterThan(0);
      for (const f of fs) expect(f.fee).toBeGreaterThanOrEqual(0);
    }
    expect(cids.size).toBe(byOrder.size);
    // The fees are the cash the account paid beyond the trades themselves.
    const traded = r.fills.reduce((n, f) => n + (f.action === 'BUY' ? -1 : 1) * f.quantity * f.price, 0);
    const fees = r.fills.reduce((n, f) => n + f.fee, 0);
    expect(fees).toBeGreaterThan(0);
    const held = r.fills.reduce((n, f) => n + (f.action === 'BUY' ? 1 : -1) * f.quantity, 0);
    if (held === 0) expect(r.endEquity).toBeCloseTo(r.startEquity + traded - fees, 4);
  });

  it('report.json lists every fill with time, symbol, side, quantity, price, fee, order and client ids', async () => {
    const data = loadData([NVDA], RANGE);
    const r = await runBacktest({ ...OPTIONS, bars: data.bars });
    const dir = tempDir();
    const { json } = writeReport(dir, { ...r, version: 1, createdAt: '2026-11-27T00:00:00.000Z', data: { fingerprint: data.fingerprint, files: data.files } });
    const report = JSON.parse(readFileSync(json, 'utf8')) as { fills: BacktestFill[]; fillCount: number };
    expect(report.fillCount).toBe(r.fills.length);
    expect(report.fills).toEqual(r.fills);
    for (const f of report.fills) {
      expect(Object.keys(f).sort()).toEqual(['account', 'action', 'clientOrderId', 'commission', 'fee', 'id', 'orderId', 'price', 'quantity', 'symbol', 'time']);
    }
  });

  it('a streamed run spooled to disk keeps no fill in memory and writes the same list', async () => {
    const loaded = await runBacktest({ ...OPTIONS, bars: loadData([NVDA], RANGE).bars });
    const dir = tempDir();
    const spool = new FillSpool(join(dir, 'fills.jsonl'));
    const streamed = streamData([NVDA], RANGE);
    const r = await runBacktest({ ...OPTIONS, bars: streamed, keepFills: false, onFill: (f) => spool.add(f) });
    expect(r.fills).toEqual([]);
    expect(spool.count).toBe(loaded.fills.length);
    expect([...spool.read()]).toEqual(loaded.fills);
    const { json } = writeReport(dir, { ...r, version: 1, createdAt: '2026-11-27T00:00:00.000Z', data: { fingerprint: streamed.fingerprint, files: streamed.files }, fills: spool.read() });
    spool.remove();
    expect((JSON.parse(readFileSync(json, 'utf8')) as { fills: BacktestFill[] }).fills).toEqual(loaded.fills);
  });
});
