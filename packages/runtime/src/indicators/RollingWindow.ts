import { CompensatedSum } from './CompensatedSum.ts';

/**
 * Fixed-size rolling window with O(1) mean and population standard deviation. The sums are
 * compensated (CompensatedSum) so they do not drift over millions of pushes, and the variance is
 * taken around the window's mean (no cancellation between two large sums of squares).
 *
 * @example
 * ```ts
 * const w = new RollingWindow(3); [1, 2, 3, 4].forEach((x) => w.push(x)); w.mean; // 3
 * ```
 */
export class RollingWindow {
  private readonly buf: Float64Array;
  private i = 0;
  private n = 0;
  private readonly sum = new CompensatedSum();
  /** Sum of squared deviations from the running mean (Welford, rolled). */
  private m2 = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`window size: expected a whole number >= 1, got ${size}`);
    this.buf = new Float64Array(size);
  }

  push(x: number): void {
    const before = this.n === 0 ? 0 : this.sum.value / this.n;
    if (this.n === this.size) {
      const old = this.buf[this.i]!;
      this.sum.add(x - old);
      const after = this.sum.value / this.n;
      this.m2 += (x - old) * (x - after + old - before);
    } else {
      this.n++;
      this.sum.add(x);
      const after = this.sum.value / this.n;
      this.m2 += (x - before) * (x - after);
    }
    if (this.m2 < 0) this.m2 = 0;
    this.buf[this.i] = x;
    this.i = (this.i + 1) % this.size;
    // Rolled deviations accumulate rounding: recompute them exactly once per `size` * 64 pushes (O(1) amortised).
    if (++this.pushes % (this.size * 64) === 0) this.resync();
  }

  private pushes = 0;

  private resync(): void {
    const m = this.mean;
    let s = 0;
    for (let k = 0; k < this.n; k++) s += (this.buf[k]! - m) ** 2;
    this.m2 = s;
  }

  get full(): boolean {
    return this.n === this.size;
  }

  get count(): number {
    return this.n;
  }

  /** The oldest value in the window (NaN when empty). */
  get first(): number {
    if (this.n === 0) return NaN;
    return this.n === this.size ? this.buf[this.i]! : this.buf[0]!;
  }

  /** The newest value (NaN when empty). */
  get last(): number {
    return this.n === 0 ? NaN : this.buf[(this.i + this.size - 1) % this.size]!;
  }

  get sumValue(): number {
    return this.sum.value;
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.sum.value / this.n;
  }

  /** Population standard deviation (divides by the count, as backtrader's StdDev). */
  get stddev(): number {
    return this.n === 0 ? NaN : Math.sqrt(this.m2 / this.n);
  }
}
