import type { TradeStats } from './roundTrips.ts';

export interface Metrics {
  totalReturn: number;
  cagr: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  /** Longest time under a previous equity high, ms. */
  maxDrawdownDurationMs: number;
  winRate: number;
  profitFactor: number;
  /** Share of steps with a position on. */
  exposure: number;
  /** Traded notional / average equity. */
  turnover: number;
  tradeCount: number;
  periodsPerYear: number;
}

const YEAR_MS = 365.25 * 86_400_000;

/**
 * Periods per year from the median spacing of the curve: daily bars give 252, 5-minute bars
 * 252 x 78 (a 6.5 h session), anything else scales from trading time.
 */
export function periodsPerYear(times: readonly number[]): number {
  if (times.length < 3) return 252;
  const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  if (median >= 20 * 3_600_000) return 252 * (median >= 6 * 86_400_000 ? 1 / 5 : 1);
  return Math.round(252 * ((6.5 * 3_600_000) / median));
}

/**
 * Performance metrics of an equity curve and its trades. Sharpe and Sortino are annualized from
 * per-step simple returns with a zero risk-free rate.
 *
 * @example
 * ```ts
 * computeMetrics([{ time: 0, equity: 100, gross: 0 }, { time: 86_400_000, equity: 110, gross: 0 }], { count: 0, wins: 0, grossWin: 0, grossLoss: 0 }, 0).totalReturn; // 0.1
 * ```
 */
export function computeMetrics(curve: ReadonlyArray<{ time: number; equity: number; gross: number }>, trades: TradeStats, tradedNotional: number): Metrics {
  const n = curve.length;
  const first = curve[0]?.equity ?? 0;
  const last = curve[n - 1]?.equity ?? first;
  const totalReturn = first > 0 ? last / first - 1 : 0;
  const years = n > 1 ? (curve[n - 1]!.time - curve[0]!.time) / YEAR_MS : 0;
  const cagr = years > 0 && last > 0 && first > 0 ? (last / first) ** (1 / years) - 1 : 0;
  const ppy = periodsPerYear(curve.map((p) => p.time));
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let peak = first;
  let peakTime = curve[0]?.time ?? 0;
  let maxDd = 0;
  let maxDdDur = 0;
  let exposed = 0;
  let equitySum = 0;
  for (let i = 0; i < n; i++) {
    const p = curve[i]!;
    equitySum += p.equity;
    if (p.gross > 0) exposed++;
    if (i > 0) {
      const prev = curve[i - 1]!.equity;
      const r = prev > 0 ? p.equity / prev - 1 : 0;
      sum += r;
      sumSq += r * r;
      if (r < 0) downSq += r * r;
    }
    if (p.equity >= peak) {
      peak = p.equity;
      peakTime = p.time;
    } else {
      maxDd = Math.max(maxDd, 1 - p.equity / peak);
      maxDdDur = Math.max(maxDdDur, p.time - peakTime);
    }
  }
  const m = n > 1 ? n - 1 : 1;
  const mean = sum / m;
  const sd = Math.sqrt(Math.max(0, sumSq / m - mean * mean));
  const dd = Math.sqrt(downSq / m);
  const { grossWin, grossLoss } = trades;
  return {
    totalReturn, cagr,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(ppy) : 0,
    sortino: dd > 0 ? (mean / dd) * Math.sqrt(ppy) : 0,
    maxDrawdown: maxDd, maxDrawdownDurationMs: maxDdDur,
    winRate: trades.count ? trades.wins / trades.count : 0,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : grossWin > 0 ? Infinity : 0,
    exposure: n ? exposed / n : 0,
    turnover: equitySum > 0 ? tradedNotional / (equitySum / n) : 0,
    tradeCount: trades.count,
    periodsPerYear: ppy,
  };
}
