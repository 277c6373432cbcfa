/** The price fields a bar indicator reads (a `Bar` has them all). */
export interface BarLike {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * An incremental indicator: `update` does O(1) work and returns the new value, or undefined while
 * the indicator is warming up (`ready` false). `warmUp` is how many inputs it needs before its
 * first value (backtrader's minperiod).
 */
export interface Indicator<In, Out> {
  update(input: In): Out | undefined;
  readonly value: Out | undefined;
  readonly ready: boolean;
  readonly warmUp: number;
}

/**
 * A declared indicator: `create()` makes a fresh instance, so one declaration can serve every
 * symbol (see `bySymbol`).
 */
export interface IndicatorSpec<In, Out> {
  create(): Indicator<In, Out>;
}

/** Which price of a bar a one-input indicator reads. */
export type PriceField = 'open' | 'high' | 'low' | 'close' | 'volume' | 'typical';

export const priceOf = (bar: BarLike, field: PriceField): number => (field === 'typical' ? (bar.high + bar.low + bar.close) / 3 : bar[field]);

/** Feeds a number indicator with one price of each bar. */
export class OnPrice<Out> implements Indicator<BarLike, Out> {
  constructor(private readonly inner: Indicator<number, Out>, private readonly field: PriceField = 'close') {}
  update(bar: BarLike): Out | undefined {
    return this.inner.update(priceOf(bar, this.field));
  }
  get value(): Out | undefined {
    return this.inner.value;
  }
  get ready(): boolean {
    return this.inner.ready;
  }
  get warmUp(): number {
    return this.inner.warmUp;
  }
}
