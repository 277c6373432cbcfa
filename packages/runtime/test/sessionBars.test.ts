import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { hkEquities, parseTimeframe, usEquities } from '@pounce/calendar';
import type { Bar } from '@pounce/core';
import { SessionBarBuilder } from '../src/index.ts';

const at = (iso: string, zone = 'America/New_York') => DateTime.fromISO(iso, { zone }).toMillis();
const bar = (symbol: string, time: number, px: number, volume = 10): Bar => ({ symbol, time, open: px, high: px, low: px, close: px, volume });

describe('SessionBarBuilder', () => {
  it('a daily bar is due at the session close (13:00 on 2024-11-29), not before; pre- and post-market minutes are left out', () => {
    const b = new SessionBarBuilder(() => usEquities, parseTimeframe('1d'));
    expect(b.add(bar('A', at('2024-11-29T08:00'), 99))).toBeUndefined(); // pre-market
    const end = b.add(bar('A', at('2024-11-29T09:30'), 10));
    b.add(bar('A', at('2024-11-29T12:59'), 12));
    expect(b.add(bar('A', at('2024-11-29T13:30'), 50))).toBeUndefined(); // after the early close
    expect(end).toBe(at('2024-11-29T13:00'));
    expect(b.due(end! - 1)).toEqual([]);
    expect(b.due(end!)).toEqual([{ symbol: 'A', time: at('2024-11-29T09:30'), open: 10, high: 12, low: 10, close: 12, volume: 20 }]);
    expect(b.outside).toBe(2);
  });

  it('with extended hours the daily bar runs from 04:00 to 17:00 on an early-close day', () => {
    const b = new SessionBarBuilder(() => usEquities, parseTimeframe('1d'), true);
    expect(b.add(bar('A', at('2024-11-29T08:00'), 9))).toBe(at('2024-11-29T17:00'));
    b.add(bar('A', at('2024-11-29T13:30'), 11));
    expect(b.due(at('2024-11-29T17:00'))).toMatchObject([{ time: at('2024-11-29T04:00'), open: 9, close: 11 }]);
  });

  it('a forming minute pushed again replaces its earlier snapshot (the push kline is cumulative)', () => {
    const b = new SessionBarBuilder(() => usEquities, parseTimeframe('5m'));
    const t = at('2024-03-11T09:31');
    b.add({ ...bar('A', t, 10), volume: 5 });
    b.add({ symbol: 'A', time: t, open: 10, high: 11, low: 10, close: 11, volume: 8 });
    expect(b.due(at('2024-03-11T09:35'))).toEqual([{ symbol: 'A', time: at('2024-03-11T09:30'), open: 10, high: 11, low: 10, close: 11, volume: 8 }]);
  });

  it('Hong Kong: a minute in the lunch break belongs to no bar; the morning\'s last hourly bar ends at 12:00', () => {
    const b = new SessionBarBuilder(() => hkEquities, parseTimeframe('1h'));
    expect(b.add(bar('00700', at('2024-06-03T12:30', 'Asia/Hong_Kong'), 300))).toBeUndefined();
    expect(b.add(bar('00700', at('2024-06-03T11:45', 'Asia/Hong_Kong'), 301))).toBe(at('2024-06-03T12:00', 'Asia/Hong_Kong'));
  });

  it('any base bars, in any order and pushed again, fold as the last snapshot of each minute in time order; due gives the ended periods by end then symbol', () => {
    const open = at('2024-03-11T09:30');
    const minute = fc.record({ symbol: fc.constantFrom('A', 'B', 'C'), m: fc.integer({ min: 0, max: 24 }), px: fc.integer({ min: 1, max: 50 }), volume: fc.integer({ min: 0, max: 9 }), split: fc.constantFrom(undefined, 2, 0.5) });
    fc.assert(fc.property(fc.array(minute, { maxLength: 60 }), fc.integer({ min: 0, max: 25 }), (pushes, cut) => {
      const b = new SessionBarBuilder(() => usEquities, parseTimeframe('5m'));
      const bars = pushes.map(({ symbol, m, px, volume, split }): Bar => ({ symbol, time: open + m * 60_000, open: px, high: px + 1, low: px - 1, close: px + 0.5, volume, ...(split ? { splitRatio: split } : {}) }));
      for (const x of bars) b.add(x);
      // The expected bars, from first principles: per symbol and 5-minute period, the last push of each minute.
      const last = new Map<string, Bar>();
      for (const x of bars) last.set(`${x.symbol} ${x.time}`, x);
      const periods = new Map<string, Bar[]>();
      for (const x of last.values()) {
        const start = x.time - ((x.time - open) % 300_000);
        const key = `${x.symbol} ${start}`;
        periods.set(key, [...(periods.get(key) ?? []), x]);
      }
      const expected = [...periods].map(([key, parts]) => {
        const [symbol, start] = key.split(' ');
        parts.sort((p, q) => p.time - q.time);
        const ratio = parts.reduce((r, p) => r * (p.splitRatio ?? 1), 1);
        return { symbol: symbol!, time: Number(start), open: parts[0]!.open, high: Math.max(...parts.map((p) => p.high)), low: Math.min(...parts.map((p) => p.low)), close: parts.at(-1)!.close, volume: parts.reduce((v, p) => v + p.volume, 0), ...(ratio !== 1 ? { splitRatio: ratio } : {}) };
      }).sort((p, q) => p.time - q.time || (p.symbol < q.symbol ? -1 : p.symbol > q.symbol ? 1 : 0));
      const now = open + cut * 60_000;
      const ended = (x: Bar) => x.time + 300_000 <= now;
      expect(b.due(now)).toEqual(expected.filter(ended));
      expect(b.drain()).toEqual(expected.filter((x) => !ended(x)));
      expect(b.drain()).toEqual([]);
    }));
  });
});
