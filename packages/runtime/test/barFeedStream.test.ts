import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import type { Bar } from '@pounce/core';
import { BarFeed, type Venue } from '../src/index.ts';

const bar = (time: number): Bar => ({ symbol: 'NVDA', time, open: 1, high: 1, low: 1, close: 1, volume: 1 });

/** A feed of the venue's own bars (no timeframe, no warm-up) over a venue that only pushes bars. */
async function startedFeed(): Promise<{ feed: BarFeed; push: (b: Bar) => void }> {
  const pushes = new Subject<Bar>();
  const venue = { kind: 'backtest', barKind: 'complete', bars$: () => pushes.asObservable(), clock: { now: () => 0, sleep: async () => {} }, now: () => 0 } as unknown as Venue;
  const feed = new BarFeed({ venue, symbols: ['NVDA'], timeframe: undefined, extendedHours: false, warmUp: 0, right: 'br' });
  await feed.start();
  return { feed, push: (b) => pushes.next(b) };
}

// bars$ hands bars to its subscribers from a list, not through a Subject (speed): these pin the
// Subject's behaviour it keeps.
describe('BarFeed.bars$ delivery', () => {
  it('gives each bar to the subscribers in the order they subscribed; one who subscribes during a bar gets the bars after it', async () => {
    const { feed, push } = await startedFeed();
    const seen: string[] = [];
    feed.bars$.subscribe((b) => {
      seen.push(`a${b.time}`);
      if (b.time === 1) feed.bars$.subscribe((x) => seen.push(`c${x.time}`));
    });
    feed.bars$.subscribe((b) => seen.push(`b${b.time}`));
    push(bar(1));
    push(bar(2));
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2', 'c2']);
  });

  it('a subscriber unsubscribed by another during a bar gets no more bars, that one included', async () => {
    const { feed, push } = await startedFeed();
    const seen: string[] = [];
    let second: { unsubscribe(): void } | undefined;
    feed.bars$.subscribe((b) => {
      seen.push(`a${b.time}`);
      second?.unsubscribe();
    });
    second = feed.bars$.subscribe((b) => seen.push(`b${b.time}`));
    push(bar(1));
    push(bar(2));
    expect(seen).toEqual(['a1', 'a2']);
  });

  it('stop() completes every subscriber once; a later subscriber completes at once and no bar reaches anyone', async () => {
    const { feed, push } = await startedFeed();
    const seen: string[] = [];
    feed.bars$.subscribe({ next: (b) => seen.push(`a${b.time}`), complete: () => seen.push('a done') });
    push(bar(1));
    feed.stop();
    feed.stop();
    feed.bars$.subscribe({ next: (b) => seen.push(`b${b.time}`), complete: () => seen.push('b done') });
    push(bar(2));
    expect(seen).toEqual(['a1', 'a done', 'b done']);
  });
});
