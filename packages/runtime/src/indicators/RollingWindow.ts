/**
 * Fixed-size rolling window with O(1) mean and standard deviation, for SMA and Bollinger bands
 * without re-summing the window on every bar.
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
  private sum = 0;
  private sumSq = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`window size: expected a whole number >= 1, got ${size}`);
    this.buf = new Float64Array(size);
  }

  push(x: number): void {
    if (this.n === this.size) {
      const old = this.buf[this.i]!;
      this.sum -= old;
      this.sumSq -= old * old;
    } else this.n++;
    this.buf[this.i] = x;
    this.sum += x;
    this.sumSq += x * x;
    this.i = (this.i + 1) % this.size;
  }

  get full(): boolean {
    return this.n === this.size;
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

  get mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  get stddev(): number {
    if (this.n === 0) return NaN;
    const m = this.sum / this.n;
    return Math.sqrt(Math.max(0, this.sumSq / this.n - m * m));
  }
}
