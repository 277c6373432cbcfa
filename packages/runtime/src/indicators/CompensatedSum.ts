/**
 * A running sum with Neumaier's compensation: adding and removing millions of terms (a rolling
 * window's sum) keeps an error of a few ulps instead of one that grows with the number of updates.
 *
 * @example
 * ```ts
 * const s = new CompensatedSum(); s.add(1e16); s.add(1); s.add(-1e16); s.value; // 1
 * ```
 */
export class CompensatedSum {
  private sum = 0;
  private c = 0;

  add(x: number): void {
    const t = this.sum + x;
    // The low-order bits lost in `t` are kept in `c`, whichever operand was larger.
    if (Math.abs(this.sum) >= Math.abs(x)) this.c += this.sum - t + x;
    else this.c += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.c;
  }

  reset(): void {
    this.sum = 0;
    this.c = 0;
  }
}
