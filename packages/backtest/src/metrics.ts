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

/** Periods per year from the median spacing of the curve (see fromMedianGap). */
export function periodsPerYear(times: readonly number[]): number {
  const gaps = new GapMedian();
  for (let i = 1; i < times.length; i++) gaps.add(times[i]! - times[i - 1]!);
  return gaps.periodsPerYear();
}

/**
 * The median spacing of a curve from a count per distinct gap: exact, and as small as the number of
 * distinct gaps (a handful for bars: a bar, a night, a weekend) however long the run.
 */
class GapMedian {
  private readonly counts = new Map<number, number>();
  private n = 0;

  add(gap: number): void {
    this.counts.set(gap, (this.counts.get(gap) ?? 0) + 1);
    this.n++;
  }

  /** Daily bars give 252, 5-minute bars 252 x 78 (a 6.5 h session), anything else scales from trading time. */
  periodsPerYear(): number {
    if (this.n < 2) return 252;
    // The element at index floor(n / 2) of the sorted gaps.
    let index = Math.floor(this.n / 2);
    let median = 0;
    for (const gap of [...this.counts.keys()].sort((a, b) => a - b)) {
      index -= this.counts.get(gap)!;
      if (index < 0) {
        median = gap;
        break;
      }
    }
    if (median >= 20 * 3_600_000) return 252 * (median >= 6 * 86_400_000 ? 1 / 5 : 1);
    return Math.round(252 * ((6.5 * 3_600_000) / median));
  }
}

/**
 * The metrics' running sums over an equity curve, one point at a time: a long streamed backtest
 * need not keep its curve to be measured. computeMetrics feeds a kept curve through the same sums,
 * so both give identical figures.
 *
 * @example
 * ```ts
 * const stats = new CurveStats();
 * stats.add(0, 100, 0);
 * stats.add(86_400_000, 110, 0);
 * stats.metrics({ count: 0, wins: 0, grossWin: 0, grossLoss: 0 }, 0).totalReturn; // 0.1
 * ```
 */
export class CurveStats {
  private n = 0;
  private firstTime = 0;
  private firstEquity = 0;
  private lastTime = 0;
  private lastEquity = 0;
  private readonly gaps = new GapMedian();
  private sum = 0;
  private sumSq = 0;
  private downSq = 0;
  private peak = 0;
  private peakTime = 0;
  private maxDd = 0;
  private maxDdDur = 0;
  private exposed = 0;
  private equitySum = 0;

  add(time: number, equity: number, gross: number): void {
    if (this.n === 0) {
      this.firstTime = time;
      this.firstEquity = equity;
      this.peak = equity;
      this.peakTime = time;
    } else {
      this.gaps.add(time - this.lastTime);
      const prev = this.lastEquity;
      const r = prev > 0 ? equity / prev - 1 : 0;
      this.sum += r;
      this.sumSq += r * r;
      if (r < 0) this.downSq += r * r;
    }
    this.n++;
    this.equitySum += equity;
    if (gross > 0) this.exposed++;
    if (equity >= this.peak) {
      this.peak = equity;
      this.peakTime = time;
    } else {
      this.maxDd = Math.max(this.maxDd, 1 - equity / this.peak);
      this.maxDdDur = Math.max(this.maxDdDur, time - this.peakTime);
    }
    this.lastTime = time;
    this.lastEquity = equity;
  }

  /** Sharpe and Sortino are annualized from per-step simple returns with a zero risk-free rate. */
  metrics(trades: TradeStats, tradedNotional: number): Metrics {
    const { n } = this;
    const first = this.firstEquity;
    const last = n > 0 ? this.lastEquity : first;
    const totalReturn = first > 0 ? last / first - 1 : 0;
    const years = n > 1 ? (this.lastTime - this.firstTime) / YEAR_MS : 0;
    const cagr = years > 0 && last > 0 && first > 0 ? (last / first) ** (1 / years) - 1 : 0;
    const ppy = this.gaps.periodsPerYear();
    const m = n > 1 ? n - 1 : 1;
    const mean = this.sum / m;
    const sd = Math.sqrt(Math.max(0, this.sumSq / m - mean * mean));
    const dd = Math.sqrt(this.downSq / m);
    const { grossWin, grossLoss } = trades;
    return {
      totalReturn, cagr,
      sharpe: sd > 0 ? (mean / sd) * Math.sqrt(ppy) : 0,
      sortino: dd > 0 ? (mean / dd) * Math.sqrt(ppy) : 0,
      maxDrawdown: this.maxDd, maxDrawdownDurationMs: this.maxDdDur,
      winRate: trades.count ? trades.wins / trades.count : 0,
      profitFactor: grossLoss > 0 ? grossWin / grossLoss : grossWin > 0 ? Infinity : 0,
      exposure: n ? this.exposed / n : 0,
      turnover: this.equitySum > 0 ? tradedNotional / (this.equitySum / n) : 0,
      tradeCount: trades.count,
      periodsPerYear: ppy,
    };
  }
}

/**
 * Performance metrics of an equity curve and its trades (see CurveStats).
 *
 * @example
 * ```ts
 * computeMetrics([{ time: 0, equity: 100, gross: 0 }, { time: 86_400_000, equity: 110, gross: 0 }], { count: 0, wins: 0, grossWin: 0, grossLoss: 0 }, 0).totalReturn; // 0.1
 * ```
 */
export function computeMetrics(curve: ReadonlyArray<{ time: number; equity: number; gross: number }>, trades: TradeStats, tradedNotional: number): Metrics {
  const stats = new CurveStats();
  for (const p of curve) stats.add(p.time, p.equity, p.gross);
  return stats.metrics(trades, tradedNotional);
}
