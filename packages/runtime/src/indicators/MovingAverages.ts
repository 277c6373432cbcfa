import { CompensatedSum } from './CompensatedSum.ts';
import type { Indicator } from './Indicator.ts';
import { RollingWindow } from './RollingWindow.ts';

const checkPeriod = (name: string, period: number) => {
  if (!Number.isInteger(period) || period < 1) throw new Error(`${name} period: expected a whole number >= 1, got ${period}`);
};

/**
 * Simple moving average over `period` inputs; first value at the `period`-th input.
 *
 * @example
 * ```ts
 * const s = new Sma(3); [1, 2, 3, 4].map((x) => s.update(x)); // [undefined, undefined, 2, 3]
 * ```
 */
export class Sma implements Indicator<number, number> {
  private readonly w: RollingWindow;
  value: number | undefined;

  constructor(readonly period: number) {
    checkPeriod('SMA', period);
    this.w = new RollingWindow(period);
  }

  update(x: number): number | undefined {
    this.w.push(x);
    return (this.value = this.w.full ? this.w.mean : undefined);
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period;
  }
}

/**
 * Exponential smoothing `value += alpha * (x - value)`, seeded (as backtrader, TA-Lib and most
 * references do) with the simple average of the first `period` inputs. `Ema` uses
 * alpha = 2 / (period + 1); `Smma` (Wilder's smoothing, used by RSI, ATR and ADX) alpha = 1 / period.
 */
export class ExponentialSmoothing implements Indicator<number, number> {
  private readonly seed = new CompensatedSum();
  private n = 0;
  value: number | undefined;

  constructor(readonly period: number, readonly alpha: number, name = 'EMA') {
    checkPeriod(name, period);
  }

  update(x: number): number | undefined {
    if (this.value !== undefined) return (this.value = this.value * (1 - this.alpha) + x * this.alpha);
    this.seed.add(x);
    if (++this.n === this.period) this.value = this.seed.value / this.period;
    return this.value;
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period;
  }
}

/** Exponential moving average, alpha = 2 / (period + 1), seeded with the SMA of the first `period` inputs. */
export class Ema extends ExponentialSmoothing {
  constructor(period: number) {
    super(period, 2 / (period + 1), 'EMA');
  }
}

/** Wilder's smoothed moving average, alpha = 1 / period, seeded with the SMA of the first `period` inputs. */
export class Smma extends ExponentialSmoothing {
  constructor(period: number) {
    super(period, 1 / period, 'SMMA');
  }
}

/**
 * Linearly weighted moving average (newest input weight `period`, oldest 1), in O(1): the weighted
 * sum moves by `period * x - (sum of the window before x)`.
 */
export class Wma implements Indicator<number, number> {
  private readonly w: RollingWindow;
  private readonly weighted = new CompensatedSum();
  private readonly divisor: number;
  value: number | undefined;

  constructor(readonly period: number) {
    checkPeriod('WMA', period);
    this.w = new RollingWindow(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  update(x: number): number | undefined {
    if (this.w.full) {
      this.weighted.add(this.period * x - this.w.sumValue);
    } else {
      this.weighted.add((this.w.count + 1) * x);
    }
    this.w.push(x);
    return (this.value = this.w.full ? this.weighted.value / this.divisor : undefined);
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period;
  }
}

/** Rolling population standard deviation over `period` inputs (backtrader's StdDev). */
export class StdDev implements Indicator<number, number> {
  private readonly w: RollingWindow;
  value: number | undefined;

  constructor(readonly period: number) {
    checkPeriod('StdDev', period);
    this.w = new RollingWindow(period);
  }

  update(x: number): number | undefined {
    this.w.push(x);
    return (this.value = this.w.full ? this.w.stddev : undefined);
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period;
  }
}

export interface BollingerValue {
  middle: number;
  upper: number;
  lower: number;
}

/** Bollinger bands: SMA(period) ± k population standard deviations. */
export class Bollinger implements Indicator<number, BollingerValue> {
  private readonly w: RollingWindow;
  value: BollingerValue | undefined;

  constructor(readonly period = 20, readonly k = 2) {
    checkPeriod('Bollinger', period);
    this.w = new RollingWindow(period);
  }

  update(x: number): BollingerValue | undefined {
    this.w.push(x);
    if (!this.w.full) return undefined;
    const middle = this.w.mean;
    const d = this.k * this.w.stddev;
    return (this.value = { middle, upper: middle + d, lower: middle - d });
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period;
  }
}
