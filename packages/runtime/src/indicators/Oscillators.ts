import type { BarLike, Indicator } from './Indicator.ts';
import { Ema, Sma, Smma } from './MovingAverages.ts';
import { Highest, Lowest } from './Extremum.ts';

/**
 * Wilder's RSI (backtrader's RSI): up and down moves against the previous input, each smoothed by
 * `Smma(period)`; first value at input `period + 1`. A window without down moves is 100, one
 * without any move 50.
 */
export class Rsi implements Indicator<number, number> {
  private prev: number | undefined;
  private readonly up: Smma;
  private readonly down: Smma;
  value: number | undefined;

  constructor(readonly period = 14) {
    this.up = new Smma(period);
    this.down = new Smma(period);
  }

  update(x: number): number | undefined {
    const prev = this.prev;
    this.prev = x;
    if (prev === undefined) return undefined;
    const u = this.up.update(Math.max(x - prev, 0));
    const d = this.down.update(Math.max(prev - x, 0));
    if (u === undefined || d === undefined) return undefined;
    return (this.value = d === 0 ? (u === 0 ? 50 : 100) : 100 - 100 / (1 + u / d));
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period + 1;
  }
}

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

/** MACD: EMA(fast) - EMA(slow), its EMA(signal), and their difference; ready when the signal is. */
export class Macd implements Indicator<number, MacdValue> {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly sig: Ema;
  value: MacdValue | undefined;

  constructor(readonly fastPeriod = 12, readonly slowPeriod = 26, readonly signalPeriod = 9) {
    this.fast = new Ema(fastPeriod);
    this.slow = new Ema(slowPeriod);
    this.sig = new Ema(signalPeriod);
  }

  update(x: number): MacdValue | undefined {
    const f = this.fast.update(x);
    const s = this.slow.update(x);
    if (f === undefined || s === undefined) return undefined;
    const macd = f - s;
    const signal = this.sig.update(macd);
    if (signal === undefined) return undefined;
    return (this.value = { macd, signal, histogram: macd - signal });
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return Math.max(this.fastPeriod, this.slowPeriod) + this.signalPeriod - 1;
  }
}

/** True range: the bar's range stretched to the previous close; from the second bar on. */
export class TrueRange implements Indicator<BarLike, number> {
  private prevClose: number | undefined;
  value: number | undefined;
  readonly warmUp = 2;

  update(bar: BarLike): number | undefined {
    const pc = this.prevClose;
    this.prevClose = bar.close;
    if (pc === undefined) return undefined;
    return (this.value = Math.max(bar.high, pc) - Math.min(bar.low, pc));
  }

  get ready(): boolean {
    return this.value !== undefined;
  }
}

/** Average true range: `Smma(period)` of the true range (backtrader's ATR); first value at bar `period + 1`. */
export class Atr implements Indicator<BarLike, number> {
  private readonly tr = new TrueRange();
  private readonly avg: Smma;
  value: number | undefined;

  constructor(readonly period = 14) {
    this.avg = new Smma(period);
  }

  update(bar: BarLike): number | undefined {
    const tr = this.tr.update(bar);
    return tr === undefined ? undefined : (this.value = this.avg.update(tr));
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period + 1;
  }
}

export interface StochasticValue {
  /** %K: the SMA(kSmoothing) of the fast %K (backtrader's slow Stochastic). */
  k: number;
  /** %D: the SMA(dPeriod) of %K. */
  d: number;
}

/**
 * Slow stochastic oscillator (backtrader's `Stochastic`): fast %K = 100 (close - lowest low) /
 * (highest high - lowest low) over `period` bars (50 when the range is empty), %K its
 * SMA(kSmoothing), %D the SMA(dPeriod) of %K.
 */
export class Stochastic implements Indicator<BarLike, StochasticValue> {
  private readonly hh: Highest;
  private readonly ll: Lowest;
  private readonly kAvg: Sma;
  private readonly dAvg: Sma;
  value: StochasticValue | undefined;

  constructor(readonly period = 14, readonly kSmoothing = 3, readonly dPeriod = 3) {
    this.hh = new Highest(period);
    this.ll = new Lowest(period);
    this.kAvg = new Sma(kSmoothing);
    this.dAvg = new Sma(dPeriod);
  }

  update(bar: BarLike): StochasticValue | undefined {
    const hi = this.hh.update(bar.high);
    const lo = this.ll.update(bar.low);
    if (hi === undefined || lo === undefined) return undefined;
    const fastK = hi === lo ? 50 : (100 * (bar.close - lo)) / (hi - lo);
    const k = this.kAvg.update(fastK);
    if (k === undefined) return undefined;
    const d = this.dAvg.update(k);
    return d === undefined ? undefined : (this.value = { k, d });
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period + this.kSmoothing + this.dPeriod - 2;
  }
}

export interface AdxValue {
  adx: number;
  plusDI: number;
  minusDI: number;
}

/**
 * Wilder's average directional index (backtrader's ADX): +DM / -DM against the previous bar and
 * the true range, each smoothed by `Smma(period)`; DX = |+DI - -DI| / (+DI + -DI); ADX = 100 *
 * Smma(period) of DX. First value at bar `2 * period`. A bar where both DIs are 0 has DX 0.
 */
export class Adx implements Indicator<BarLike, AdxValue> {
  private prev: BarLike | undefined;
  private readonly tr = new TrueRange();
  private readonly atr: Smma;
  private readonly plus: Smma;
  private readonly minus: Smma;
  private readonly dx: Smma;
  value: AdxValue | undefined;

  constructor(readonly period = 14) {
    this.atr = new Smma(period);
    this.plus = new Smma(period);
    this.minus = new Smma(period);
    this.dx = new Smma(period);
  }

  update(bar: BarLike): AdxValue | undefined {
    const prev = this.prev;
    this.prev = { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
    const tr = this.tr.update(bar);
    if (prev === undefined || tr === undefined) return undefined;
    const up = bar.high - prev.high;
    const down = prev.low - bar.low;
    const atr = this.atr.update(tr);
    const p = this.plus.update(up > down && up > 0 ? up : 0);
    const m = this.minus.update(down > up && down > 0 ? down : 0);
    if (atr === undefined || p === undefined || m === undefined) return undefined;
    const plusDI = (100 * p) / atr;
    const minusDI = (100 * m) / atr;
    const sum = plusDI + minusDI;
    const adx = this.dx.update(sum === 0 ? 0 : Math.abs(plusDI - minusDI) / sum);
    return adx === undefined ? undefined : (this.value = { adx: 100 * adx, plusDI, minusDI });
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return 2 * this.period;
  }
}
