import { describe, expect, it } from 'vitest';
import type { Bar } from '@pounce/core';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { BacktestVenue } from '../src/index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const bars: MarketBar[] = [];
for (let i = 0; i < 4; i++) for (const symbol of ['AAA', 'BBB']) bars.push({ symbol, time: T0 + i * DAY, open: 10.1 + i, high: 10.7 + i, low: 9.9 + i, close: 10.3 + i, volume: 1000 });
const venue = () => new BacktestVenue(bars, { fees: perShareFees(0), initialCash: 1e6 });

describe('BacktestVenue bars$ (direct calls from the replay loop)', () => {
  it('gives each subscriber its own symbols, in time order, at push (float32) precision', async () => {
    const v = venue();
    const a: Bar[] = [];
    const both: string[] = [];
    v.bars$(['AAA']).subscribe((b) => a.push(b));
    v.bars$(['AAA', 'BBB']).subscribe((b) => both.push(`${b.symbol}@${(b.time - T0) / DAY}`));
    await v.run();
    expect(a.map((b) => b.time)).toEqual([0, 1, 2, 3].map((i) => T0 + i * DAY));
    expect(a[0]!.close).toBe(Math.fround(10.3));
    expect(a[0]!.close).not.toBe(10.3);
    expect(both).toEqual(['AAA@0', 'BBB@0', 'AAA@1', 'BBB@1', 'AAA@2', 'BBB@2', 'AAA@3', 'BBB@3']);
  });

  it('lets a subscriber leave during a bar without the others missing it', async () => {
    const v = venue();
    const seen: string[] = [];
    const quitter = v.bars$(['AAA']).subscribe((b) => {
      seen.push(`q${(b.time - T0) / DAY}`);
      if (b.time === T0 + DAY) quitter.unsubscribe();
    });
    v.bars$(['AAA']).subscribe((b) => seen.push(`s${(b.time - T0) / DAY}`));
    await v.run();
    expect(seen).toEqual(['q0', 's0', 'q1', 's1', 's2', 's3']);
  });

  it('completes every bars$ subscriber on stop, and starts its clock just before the first bar', async () => {
    const v = venue();
    expect(v.now()).toBe(T0 - 1);
    let completed = 0;
    v.bars$(['AAA']).subscribe({ complete: () => completed++ });
    v.quotes$(['BBB']).subscribe({ complete: () => completed++ });
    await v.run();
    await v.stop();
    expect(completed).toBe(2);
  });
});
