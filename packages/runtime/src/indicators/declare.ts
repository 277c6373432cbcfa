import { CrossOver, type Cross } from './CrossOver.ts';
import { Highest, Lowest } from './Extremum.ts';
import { OnPrice, type BarLike, type Indicator, type IndicatorSpec, type PriceField } from './Indicator.ts';
import { Bollinger, Ema, Sma, Smma, StdDev, Wma, type BollingerValue } from './MovingAverages.ts';
import { Adx, Atr, Macd, Rsi, Stochastic, type AdxValue, type MacdValue, type StochasticValue } from './Oscillators.ts';
import { Obv, Vwap } from './Volume.ts';

/*
 * Declarations of bar indicators: each returns an IndicatorSpec whose `create()` makes a fresh
 * instance fed with bars. One-input indicators read the close unless told another price.
 */
const onPrice = <O>(make: () => Indicator<number, O>, field: PriceField): IndicatorSpec<BarLike, O> => ({ create: () => new OnPrice(make(), field) });

export const sma = (period: number, field: PriceField = 'close') => onPrice(() => new Sma(period), field);
export const ema = (period: number, field: PriceField = 'close') => onPrice(() => new Ema(period), field);
export const smma = (period: number, field: PriceField = 'close') => onPrice(() => new Smma(period), field);
export const wma = (period: number, field: PriceField = 'close') => onPrice(() => new Wma(period), field);
export const stdev = (period: number, field: PriceField = 'close') => onPrice(() => new StdDev(period), field);
export const rsi = (period = 14, field: PriceField = 'close') => onPrice(() => new Rsi(period), field);
export const macd = (fast = 12, slow = 26, signal = 9, field: PriceField = 'close'): IndicatorSpec<BarLike, MacdValue> => onPrice(() => new Macd(fast, slow, signal), field);
export const bollinger = (period = 20, k = 2, field: PriceField = 'close'): IndicatorSpec<BarLike, BollingerValue> => onPrice(() => new Bollinger(period, k), field);
/** Highest high (or another price) of the last `period` bars. */
export const highest = (period: number, field: PriceField = 'high') => onPrice(() => new Highest(period), field);
/** Lowest low (or another price) of the last `period` bars. */
export const lowest = (period: number, field: PriceField = 'low') => onPrice(() => new Lowest(period), field);
export const atr = (period = 14): IndicatorSpec<BarLike, number> => ({ create: () => new Atr(period) });
export const stochastic = (period = 14, kSmoothing = 3, dPeriod = 3): IndicatorSpec<BarLike, StochasticValue> => ({ create: () => new Stochastic(period, kSmoothing, dPeriod) });
export const adx = (period = 14): IndicatorSpec<BarLike, AdxValue> => ({ create: () => new Adx(period) });
export const obv = (): IndicatorSpec<BarLike, number> => ({ create: () => new Obv() });
export const vwap = (): IndicatorSpec<BarLike, number> => ({ create: () => new Vwap() });

/** Feeds two indicators with the same input and combines their values once both are ready. */
class Pair<In, A, B, O> implements Indicator<In, O> {
  value: O | undefined;
  constructor(private readonly a: Indicator<In, A>, private readonly b: Indicator<In, B>, private readonly next: Indicator<readonly [A, B], O>) {}
  update(x: In): O | undefined {
    const a = this.a.update(x);
    const b = this.b.update(x);
    return a === undefined || b === undefined ? undefined : (this.value = this.next.update([a, b]));
  }
  get ready(): boolean {
    return this.value !== undefined;
  }
  get warmUp(): number {
    return Math.max(this.a.warmUp, this.b.warmUp) + this.next.warmUp - 1;
  }
}

/** Maps a Cross to another value (for crossover/crossunder). */
class MapCross<T> implements Indicator<readonly [number, number], T> {
  private readonly c = new CrossOver();
  value: T | undefined;
  readonly warmUp = 2;
  constructor(private readonly f: (c: Cross) => T) {}
  update(x: readonly [number, number]): T | undefined {
    const c = this.c.update(x);
    return c === undefined ? undefined : (this.value = this.f(c));
  }
  get ready(): boolean {
    return this.value !== undefined;
  }
}

/** backtrader's CrossOver of two declared series: +1 when `a` crosses above `b`, -1 below, else 0 (ties: see CrossOver). */
export const cross = <In>(a: IndicatorSpec<In, number>, b: IndicatorSpec<In, number>): IndicatorSpec<In, Cross> => ({ create: () => new Pair(a.create(), b.create(), new CrossOver()) });
/** True on the bar `a` crosses above `b`. */
export const crossover = <In>(a: IndicatorSpec<In, number>, b: IndicatorSpec<In, number>): IndicatorSpec<In, boolean> => ({ create: () => new Pair(a.create(), b.create(), new MapCross((c) => c === 1)) });
/** True on the bar `a` crosses below `b`. */
export const crossunder = <In>(a: IndicatorSpec<In, number>, b: IndicatorSpec<In, number>): IndicatorSpec<In, boolean> => ({ create: () => new Pair(a.create(), b.create(), new MapCross((c) => c === -1)) });

type ValuesOf<S> = { [K in keyof S]: S[K] extends IndicatorSpec<unknown, infer O> ? O : never };

/** Several declarations fed together; the value (an object of their values) is ready when all are. */
class All<In, S extends Record<string, IndicatorSpec<In, unknown>>> implements Indicator<In, ValuesOf<S>> {
  private readonly parts: Array<[string, Indicator<In, unknown>]>;
  value: ValuesOf<S> | undefined;
  constructor(specs: S) {
    this.parts = Object.entries(specs).map(([k, s]) => [k, s.create()]);
  }
  update(x: In): ValuesOf<S> | undefined {
    const out: Record<string, unknown> = {};
    let ready = true;
    for (const [k, ind] of this.parts) {
      const v = ind.update(x);
      if (v === undefined) ready = false;
      out[k] = v;
    }
    return (this.value = ready ? (out as ValuesOf<S>) : undefined);
  }
  get ready(): boolean {
    return this.value !== undefined;
  }
  get warmUp(): number {
    return Math.max(...this.parts.map(([, i]) => i.warmUp));
  }
}

/**
 * Declares several indicators as one: `all({ fast: sma(10), slow: sma(30), cross: cross(sma(10), sma(30)) })`
 * gives `{ fast, slow, cross }` once every one is warm.
 */
export const all = <In, S extends Record<string, IndicatorSpec<In, unknown>>>(specs: S): IndicatorSpec<In, ValuesOf<S>> => ({ create: () => new All<In, S>(specs) });
