import { fileURLToPath } from 'node:url';
import { loadData } from '@pounce/backtest';
import type { MarketBar } from '@pounce/matching';

export const NVDA = fileURLToPath(new URL('../packages/gateway/data/nvda-1999-2014.csv', import.meta.url));
export const ORCL = fileURLToPath(new URL('../packages/gateway/data/orcl-1995-2014.csv', import.meta.url));

/**
 * The shared daily series replicated over many symbols, generated slice by slice so nothing but
 * the two source series is held in memory (each symbol is a scaled copy, so strategies trade).
 */
export function replicatedSlices(symbols: number, totalBars: number): { slices: Iterable<MarketBar[]>; steps: number; symbols: string[] } {
  const base = [loadData([`NVDA=${NVDA}`]).bars, loadData([`ORCL=${ORCL}`]).bars];
  const names = Array.from({ length: symbols }, (_, i) => `S${i}`);
  const len = Math.min(base[0]!.length, base[1]!.length);
  const steps = Math.ceil(totalBars / symbols);
  const slices = function* () {
    for (let step = 0; step < steps; step++) {
      const cycle = Math.floor(step / len);
      const k = step % len;
      const t = base[0]![0]!.time + step * 86_400_000;
      const slice: MarketBar[] = new Array(symbols);
      for (let s = 0; s < symbols; s++) {
        const b = base[s & 1]![k]!;
        const f = 1 + (s % 17) * 0.01 + cycle * 0.001;
        slice[s] = { symbol: names[s]!, time: t, open: b.open * f, high: b.high * f, low: b.low * f, close: b.close * f, volume: b.volume };
      }
      yield slice;
    }
  };
  return { slices: slices(), steps, symbols: names };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
