import type { EquityPoint } from './BacktestVenue.ts';

/** What report.html draws: times in seconds, equity, benchmark and drawdown (%, <= 0) per point. */
export interface ChartSeries {
  t: number[];
  eq: number[];
  bench: Array<number | null>;
  dd: number[];
}

interface ChartPoint {
  time: number;
  equity: number;
  benchmark: number | null;
  drawdown: number;
}

interface Bucket {
  low: ChartPoint;
  high: ChartPoint;
  deepest: ChartPoint;
}

/**
 * An equity curve thinned for drawing, one point at a time and without knowing its length: the
 * points fall into at most `maxBuckets` consecutive buckets (two neighbours merge when they run
 * out), and each bucket keeps its lowest and highest equity and its deepest drawdown. However long
 * the run, the chart has a few thousand points and keeps the curve's shape: every high, low and
 * drawdown trough is drawn at its height. Drawdown is measured from the peak of every point, not
 * of the drawn ones. A curve of at most `maxBuckets` points is drawn whole.
 *
 * @example
 * ```ts
 * const chart = new CurveChart();
 * for (const p of result.equity) chart.add(p);
 * chart.series().dd; // drawdown in %, one value per drawn point
 * ```
 */
export class CurveChart {
  private readonly buckets: Bucket[] = [];
  /** Points per bucket; doubles each time the buckets merge. */
  private width = 1;
  private inLast = 0;
  private peak = -Infinity;
  private first: ChartPoint | undefined;
  private last: ChartPoint | undefined;
  /** Points added. */
  count = 0;

  constructor(private readonly maxBuckets = 2000) {
    if (maxBuckets < 2 || maxBuckets % 2 !== 0) throw new Error(`CurveChart: maxBuckets must be an even number >= 2, got ${maxBuckets}`);
  }

  add(p: EquityPoint): void {
    this.peak = Math.max(this.peak, p.equity);
    const point: ChartPoint = { time: p.time, equity: p.equity, benchmark: p.benchmark ?? null, drawdown: -(1 - p.equity / this.peak) * 100 };
    this.first ??= point;
    this.last = point;
    this.count++;
    const b = this.buckets[this.buckets.length - 1];
    if (b === undefined || this.inLast === this.width) {
      if (this.buckets.length === this.maxBuckets) this.mergeNeighbours();
      this.buckets.push({ low: point, high: point, deepest: point });
      this.inLast = 1;
      return;
    }
    if (point.equity < b.low.equity) b.low = point;
    if (point.equity > b.high.equity) b.high = point;
    if (point.drawdown < b.deepest.drawdown) b.deepest = point;
    this.inLast++;
  }

  /** Every bucket is full here (maxBuckets of them, an even number): pairs merge into half as many. */
  private mergeNeighbours(): void {
    const n = this.buckets.length / 2;
    for (let i = 0; i < n; i++) {
      const a = this.buckets[2 * i]!;
      const b = this.buckets[2 * i + 1]!;
      this.buckets[i] = {
        low: b.low.equity < a.low.equity ? b.low : a.low,
        high: b.high.equity > a.high.equity ? b.high : a.high,
        deepest: b.deepest.drawdown < a.deepest.drawdown ? b.deepest : a.deepest,
      };
    }
    this.buckets.length = n;
    this.width *= 2;
  }

  /** The drawn points in time order: the first and last point, and each bucket's extremes. */
  series(): ChartSeries {
    const chosen = new Set<ChartPoint>();
    if (this.first) chosen.add(this.first);
    for (const b of this.buckets) chosen.add(b.low).add(b.high).add(b.deepest);
    if (this.last) chosen.add(this.last);
    const pts = [...chosen].sort((a, b) => a.time - b.time);
    return { t: pts.map((p) => p.time / 1000), eq: pts.map((p) => p.equity), bench: pts.map((p) => p.benchmark), dd: pts.map((p) => p.drawdown) };
  }
}
