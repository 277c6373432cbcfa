import { CompensatedSum } from './CompensatedSum.ts';
import type { BarLike, Indicator } from './Indicator.ts';

/**
 * On-balance volume: 0 on the first bar, then each bar's volume added when the close rose,
 * subtracted when it fell (technicalindicators' OBV convention).
 */
export class Obv implements Indicator<BarLike, number> {
  private prevClose: number | undefined;
  private readonly total = new CompensatedSum();
  value: number | undefined;
  readonly warmUp = 1;

  update(bar: BarLike): number | undefined {
    if (this.prevClose !== undefined) {
      if (bar.close > this.prevClose) this.total.add(bar.volume);
      else if (bar.close < this.prevClose) this.total.add(-bar.volume);
    }
    this.prevClose = bar.close;
    return (this.value = this.total.value);
  }

  get ready(): boolean {
    return this.value !== undefined;
  }
}

/**
 * Volume-weighted average price of the typical price (high + low + close) / 3, cumulative since
 * the first bar or the last `reset()` (call it at a session start for a session VWAP). Undefined
 * while no volume has traded.
 */
export class Vwap implements Indicator<BarLike, number> {
  private readonly pv = new CompensatedSum();
  private readonly v = new CompensatedSum();
  value: number | undefined;
  readonly warmUp = 1;

  update(bar: BarLike): number | undefined {
    this.pv.add(((bar.high + bar.low + bar.close) / 3) * bar.volume);
    this.v.add(bar.volume);
    const v = this.v.value;
    return (this.value = v > 0 ? this.pv.value / v : undefined);
  }

  reset(): void {
    this.pv.reset();
    this.v.reset();
    this.value = undefined;
  }

  get ready(): boolean {
    return this.value !== undefined;
  }
}
