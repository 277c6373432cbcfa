import { Observable } from 'rxjs';
import type { Bar, Quote } from '@pounce/core';

/** `30s`, `1m`, `5m`, `1h`, `1d` -> milliseconds. */
export function timeframeMs(tf: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(tf);
  if (!m) throw new Error(`timeframe "${tf}": expected a number and a unit (s, m, h, d), e.g. 5m`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/**
 * Builds bars from quotes (for venues that push no bars of the wanted timeframe). A bar is emitted
 * when the first quote of the next period arrives, so a bar is never seen before it is complete.
 */
export function aggregateBars(quotes: Observable<Quote>, periodMs: number): Observable<Bar> {
  return new Observable<Bar>((sub) => {
    const open = new Map<string, Bar>();
    const s = quotes.subscribe({
      next: (q) => {
        if (q.latestPrice === undefined) return;
        const start = Math.floor(q.time / periodMs) * periodMs;
        const cur = open.get(q.symbol);
        if (cur && cur.time !== start) {
          sub.next(cur);
          open.delete(q.symbol);
        }
        const b = open.get(q.symbol);
        const px = q.latestPrice;
        if (!b) open.set(q.symbol, { symbol: q.symbol, time: start, open: px, high: px, low: px, close: px, volume: q.volume ?? 0 });
        else {
          b.high = Math.max(b.high, px);
          b.low = Math.min(b.low, px);
          b.close = px;
          b.volume += q.volume ?? 0;
        }
      },
      error: (e) => sub.error(e),
      complete: () => {
        for (const b of open.values()) sub.next(b);
        sub.complete();
      },
    });
    return () => s.unsubscribe();
  });
}
