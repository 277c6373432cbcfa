import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Fill } from '@pounce/core';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { BuyAndHold, loadData, reportHtml, roundTrips, runBacktest, writeReport } from '../src/index.ts';

const NVDA = `NVDA=${fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url))}`;

describe('trade P&L after fees', () => {
  it('splits each fill\'s fee pro rata over the round trips it opens or closes', () => {
    const f = (id: string, action: 'BUY' | 'SELL', quantity: number, price: number, commission: number): Fill => ({ id, orderId: id, account: 'A', symbol: 'X', action, quantity, price, time: Number(id), commission });
    // Buy 10 @5 (fee 1), buy 10 @6 (fee 2), sell 20 @7 (fee 4): two trades, each half of the exit fee.
    const trades = roundTrips([f('1', 'BUY', 10, 5, 1), f('2', 'BUY', 10, 6, 2), f('3', 'SELL', 20, 7, 4)]);
    expect(trades.map((t) => t.quantity)).toEqual([10, 10]);
    expect(trades[0]!.fees).toBeCloseTo(1 + 2, 12);
    expect(trades[0]!.pnl).toBeCloseTo(20 - 3, 12);
    expect(trades[1]!.fees).toBeCloseTo(2 + 2, 12);
    expect(trades[1]!.pnl).toBeCloseTo(10 - 4, 12);
  });

  it('in a backtest that ends flat, the trades\' P&L adds up to the equity change (fees included)', async () => {
    // Before: trade P&L left fees out, so it added up to more than the account made.
    const { bars } = loadData([NVDA], { to: Date.UTC(2004, 0, 1) });
    const r = await runBacktest({ def: smaCross, bars, rawParams: { fast: 5, slow: 20 } });
    const fees = r.fills.reduce((n, x) => n + x.fee, 0);
    expect(fees).toBeGreaterThan(0);
    const bought = r.fills.reduce((n, x) => n + (x.action === 'BUY' ? x.quantity : -x.quantity), 0);
    // sma-cross may still hold its last entry; its fee and open P&L are not a trade yet.
    const open = r.fills.filter((x) => x.action === 'BUY').slice(-1)[0]!;
    const lastClose = bars[bars.length - 1]!.close;
    const openPnl = bought === 0 ? 0 : (lastClose - open.price) * bought - open.fee;
    const tradePnl = r.trades.reduce((n, t) => n + t.pnl, 0);
    expect(tradePnl + openPnl).toBeCloseTo(r.endEquity - r.startEquity, 6);
  });
});

describe('buy-and-hold benchmark', () => {
  it('values the starting cash held in the strategy\'s symbols at every step, in report.json and report.html', async () => {
    const { bars, fingerprint, files } = loadData([NVDA], { to: Date.UTC(2004, 0, 1) });
    const r = await runBacktest({ def: smaCross, bars });
    const first = bars[0]!.close;
    const last = bars[bars.length - 1]!.close;
    expect(r.benchmark.symbols).toEqual(['NVDA']);
    expect(r.benchmark.totalReturn).toBeCloseTo(last / first - 1, 10);
    expect(r.equity.length).toBe(bars.length);
    r.equity.forEach((p, i) => expect(p.benchmark).toBeCloseTo((r.startEquity / first) * bars[i]!.close, 6));
    const dir = mkdtempSync(join(tmpdir(), 'pounce-bench-'));
    try {
      const { json, html } = writeReport(dir, { ...r, version: 1, createdAt: '2026-11-27T00:00:00.000Z', data: { fingerprint, files } });
      const report = JSON.parse(readFileSync(json, 'utf8')) as { benchmark: { totalReturn: number }; equity: Array<{ benchmark: number }> };
      expect(report.benchmark.totalReturn).toBeCloseTo(last / first - 1, 10);
      expect(report.equity.every((p) => typeof p.benchmark === 'number')).toBe(true);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('<td>Buy and hold return</td>');
      expect(page).toContain("label: 'Buy and hold'");
      expect(page).toContain('P&amp;L after fees');
      expect(reportHtml({ ...r, version: 1, createdAt: '', data: { fingerprint, files }, fills: [] })).toContain(`${((last / first - 1) * 100).toFixed(2)}%`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with several symbols: buys each with an equal share at the first step where all have a price, then values them at their last closes', () => {
    const bar = (symbol: string, time: number, close: number) => ({ symbol, time, open: close, high: close, low: close, close, volume: 1 });
    // C is not in the benchmark; B has no price at the first step; A is named twice and counts once.
    const b = new BuyAndHold(1000, ['A', 'B', 'A']);
    expect(b.step([bar('A', 1, 10), bar('C', 1, 99)])).toBe(1000);
    expect(b.step([bar('A', 2, 20), bar('B', 2, 50)])).toBe(1000);
    // 500 in A at 20 (25 shares), 500 in B at 50 (10 shares); B's last close carries over a step without it.
    expect(b.step([bar('A', 3, 30)])).toBe(25 * 30 + 10 * 50);
    expect(b.step([bar('A', 4, 30), bar('B', 4, 40)])).toBe(25 * 30 + 10 * 40);
    expect(b.summary()).toMatchObject({ symbols: ['A', 'B'], startValue: 1000, endValue: 1150 });
    expect(b.summary().description).toMatch(/^buy and hold A, B:/);
    expect(b.summary().totalReturn).toBeCloseTo(0.15, 12);
  });
});
