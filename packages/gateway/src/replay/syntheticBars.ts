import type { Bar } from '@pounce/core';

/** mulberry32: a small, fast, seedable PRNG (the same seed gives the same market). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  symbols: string[];
  bars: number;
  seed: number;
  start?: number;
  intervalMs?: number;
  startPrice?: number;
  /** Per-bar volatility of log returns. */
  volatility?: number;
}

/**
 * A seeded random-walk market (geometric, with a slow regime drift so trend strategies trade).
 *
 * @example
 * ```ts
 * const bars = syntheticBars({ symbols: ['AAA', 'BBB'], bars: 1000, seed: 7 });
 * ```
 */
export function syntheticBars(o: SyntheticOptions): Bar[] {
  const rnd = seededRandom(o.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const start = o.start ?? Date.UTC(2024, 0, 2, 14, 30);
  const dt = o.intervalMs ?? 60_000;
  const vol = o.volatility ?? 0.004;
  const out: Bar[] = [];
  o.symbols.forEach((symbol, si) => {
    let px = (o.startPrice ?? 100) * (1 + si * 0.37);
    let drift = 0;
    for (let i = 0; i < o.bars; i++) {
      if (i % 50 === 0) drift = (rnd() - 0.5) * vol * 0.6;
      const open = px;
      const close = Math.max(0.01, open * Math.exp(drift + vol * gauss()));
      const high = Math.max(open, close) * (1 + Math.abs(gauss()) * vol * 0.5);
      const low = Math.min(open, close) * (1 - Math.abs(gauss()) * vol * 0.5);
      const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
      out.push({ symbol, time: start + i * dt, open: r4(open), high: r4(high), low: r4(low), close: r4(close), volume: Math.round(10_000 + rnd() * 90_000) });
      px = close;
    }
  });
  return out;
}
