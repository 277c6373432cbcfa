import type { Indicator } from './Indicator.ts';

/** +1 on the bar `a` crosses above `b`, -1 on the bar it crosses below, 0 otherwise. */
export type Cross = 1 | 0 | -1;

/**
 * Crossing of two series, as backtrader's CrossOver: it remembers the last non-zero difference
 * a - b, so a touch (a == b for some bars) followed by a move to the other side is one cross,
 * and a touch that returns to the same side is none. First value on the second pair of inputs.
 *
 * @example
 * ```ts
 * const c = new CrossOver();
 * [[1, 2], [2, 2], [3, 2]].map(([a, b]) => c.update([a!, b!])); // [undefined, 0, 1]
 * ```
 */
export class CrossOver implements Indicator<readonly [number, number], Cross> {
  private nonZeroDiff: number | undefined;
  value: Cross | undefined;
  readonly warmUp = 2;

  update([a, b]: readonly [number, number]): Cross | undefined {
    const d = a - b;
    const before = this.nonZeroDiff;
    this.nonZeroDiff = d !== 0 || before === undefined ? d : before;
    if (before === undefined) return undefined;
    return (this.value = before < 0 && a > b ? 1 : before > 0 && a < b ? -1 : 0);
  }

  /** True on the bar `a` crossed above `b`. */
  get up(): boolean {
    return this.value === 1;
  }

  /** True on the bar `a` crossed below `b`. */
  get down(): boolean {
    return this.value === -1;
  }

  get ready(): boolean {
    return this.value !== undefined;
  }
}
