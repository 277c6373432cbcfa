import { describe, expect, it } from 'vitest';
import type { Fill } from '@pounce/core';
import type { MarketBar } from '@pounce/matching';
import type { SeenBar } from '@pounce/runtime';
import { compareRuns, SliceTimes, type Decision, type JournalView } from '../src/replayCheck/compareRuns.ts';

const DAY = 86_400_000;
const bars: MarketBar[] = Array.from({ length: 10 }, (_, i) => ({ symbol: 'AAA', time: i * DAY, open: 10 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 1000 }));
const slices = new SliceTimes(bars);
const seenAll: SeenBar[] = bars.map((b) => ({ ...b, seen: b.time }));

const fill = (orderId: string, time: number, quantity: number, price: number): Fill => ({ id: `${orderId}-${time}`, orderId, account: 'x', symbol: 'AAA', action: 'BUY', price, quantity, time });
const decision = (cid: string, at: number, fills: Fill[], more: Partial<Decision> = {}): Decision => ({
  cid, vt: at * DAY, bar: at * DAY, req: { symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 100 }, orderId: `o-${cid}`, rejected: undefined, reached: at * DAY, fills, ...more,
});
const view = (decisions: Decision[]): JournalView => ({ decisions, outside: [], restarts: [] });

describe('compareRuns: the causes that need no venue fault to show', () => {
  it('identical decisions and fills: no difference', () => {
    const d = () => [decision('a', 2, [fill('o-a', 3 * DAY, 100, 13)])];
    expect(compareRuns({ run: view(d()), backtest: view(d()), reference: bars, seen: seenAll, slices }).differences).toEqual([]);
  });

  it('the same order filled at another price -> fill price; fewer shares -> partial fill', () => {
    const run = view([decision('a', 2, [fill('o-a', 3 * DAY, 100, 13.05)]), decision('b', 5, [fill('o-b', 6 * DAY, 60, 16)])]);
    const bt = view([decision('a', 2, [fill('o-a', 3 * DAY, 100, 13)]), decision('b', 5, [fill('o-b', 6 * DAY, 100, 16)])]);
    const r = compareRuns({ run, backtest: bt, reference: bars, seen: seenAll, slices });
    expect(r.differences.map((d) => [d.cause, d.time])).toEqual([['fill-price', 2 * DAY], ['partial-fill', 5 * DAY]]);
    expect(r.differences[1]!.what).toMatch(/run filled 60, backtest 100/);
  });

  it('a bar the strategy got after the venue had moved on -> late bar, and the late decision follows from it', () => {
    const seen = seenAll.map((b) => (b.time === 4 * DAY ? { ...b, seen: 5 * DAY } : b));
    const run = view([decision('a', 5, [fill('o-a', 6 * DAY, 100, 16)])]);
    const bt = view([decision('a', 4, [fill('o-a', 5 * DAY, 100, 15)])]);
    const r = compareRuns({ run, backtest: bt, reference: bars, seen, slices });
    expect(r.lateBars).toBe(1);
    expect(r.differences.map((d) => [d.cause, d.follows])).toEqual([['late-bar', undefined], ['late-bar', 1], ['late-bar', 1]]);
    expect(r.differences[0]!.what).toMatch(/reached the strategy after the venue had moved on/);
  });

  it('a decision only one side made with no root before it is unexplained', () => {
    const r = compareRuns({ run: view([decision('a', 2, [])]), backtest: view([]), reference: bars, seen: seenAll, slices });
    expect(r.differences.map((d) => d.cause)).toEqual(['unexplained']);
  });
});
