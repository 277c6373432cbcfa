import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsvBars, type Bar } from '@pounce/core';
import { Adx, Atr, Bollinger, CrossOver, Ema, Highest, Lowest, Macd, Obv, Rsi, Sma, StdDev, Stochastic, Vwap, Wma, type Indicator } from '../src/index.ts';

/*
 * Indicator values against named references on the shipped NVDA daily file (4,012 bars).
 * - backtrader 1.9.78 (../shared/peers), via scripts/indicatorReference/backtrader_reference.py:
 *   SMA, EMA, WMA, RSI, MACD, Bollinger, ATR, Stochastic (slow), ADX, StdDev, Highest, Lowest, and
 *   CrossOver of SMA 10 / SMA 30 on every bar. Its seeding: EMA and Wilder smoothing start from the
 *   SMA of their first `period` inputs.
 * - technicalindicators 3.1.0 (npm), via scripts/indicatorReference/technicalindicatorsReference.mjs:
 *   OBV (0 on the first bar) and VWAP (cumulative, typical price).
 * The fixtures are committed, so this test needs neither ../shared nor the npm library.
 * Tolerance: |ours - ref| <= 1e-9 + 1e-9 * |ref| (the fixtures keep 12 significant digits).
 */
const ABS = 1e-9;
const REL = 1e-9;
const fixture = <T>(name: string): T => JSON.parse(readFileSync(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url)), 'utf8')) as T;
const csv = fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url));
const bars: Bar[] = parseCsvBars(readFileSync(csv, 'utf8'), { symbol: 'NVDA', source: csv });

type Ref = number | null | Array<number | null>;
interface Row { i: number; [k: string]: Ref }
const bt = fixture<{ rows: Row[]; crossoverSma10Sma30: Array<[number, number]> }>('indicators-backtrader-nvda.json');
const ti = fixture<{ rows: Row[] }>('indicators-technicalindicators-nvda.json');

function close(ours: number, ref: number): boolean {
  return Math.abs(ours - ref) <= ABS + REL * Math.abs(ref);
}

/** Runs `ind` over every bar and checks each reference row: undefined where the reference has no value. */
function check<O>(rows: Row[], key: string, ind: Indicator<Bar, O>, lines: (v: O) => number[]): void {
  const byIndex = new Map(rows.map((r) => [r.i, r[key]]));
  let compared = 0;
  bars.forEach((bar, i) => {
    const v = ind.update(bar);
    if (!byIndex.has(i)) return;
    const ref = byIndex.get(i)!;
    const refs = Array.isArray(ref) ? ref : [ref];
    if (refs.some((x) => x === null)) {
      expect(v, `${key} at bar ${i}: warming up in the reference`).toBeUndefined();
      return;
    }
    expect(v, `${key} at bar ${i}: the reference has a value`).toBeDefined();
    const ours = lines(v!);
    refs.forEach((r, k) => expect(close(ours[k]!, r!), `${key}[${k}] at bar ${i}: ${ours[k]} vs ${r}`).toBe(true));
    compared++;
  });
  expect(compared).toBeGreaterThan(250);
}

const onClose = <O>(inner: Indicator<number, O>): Indicator<Bar, O> => ({ update: (b) => inner.update(b.close), get value() { return inner.value; }, get ready() { return inner.ready; }, warmUp: inner.warmUp });
const on = <O>(inner: Indicator<number, O>, f: (b: Bar) => number): Indicator<Bar, O> => ({ update: (b) => inner.update(f(b)), get value() { return inner.value; }, get ready() { return inner.ready; }, warmUp: inner.warmUp });
const one = (v: number) => [v];

describe('indicators match backtrader 1.9.78 on NVDA daily', () => {
  it('SMA(10), EMA(10), WMA(10)', () => {
    check(bt.rows, 'sma10', onClose(new Sma(10)), one);
    check(bt.rows, 'ema10', onClose(new Ema(10)), one);
    check(bt.rows, 'wma10', onClose(new Wma(10)), one);
  });
  it('RSI(14), MACD(12, 26, 9) with signal and histogram', () => {
    check(bt.rows, 'rsi14', onClose(new Rsi(14)), one);
    check(bt.rows, 'macd', onClose(new Macd(12, 26, 9)), (v) => [v.macd, v.signal, v.histogram]);
  });
  it('Bollinger(20, 2) and StdDev(20) (population)', () => {
    check(bt.rows, 'bollinger20', onClose(new Bollinger(20, 2)), (v) => [v.middle, v.upper, v.lower]);
    check(bt.rows, 'stdev20', onClose(new StdDev(20)), one);
  });
  it('ATR(14), slow Stochastic(14, 3, 3), ADX(14)', () => {
    check(bt.rows, 'atr14', new Atr(14), one);
    check(bt.rows, 'stochastic14', new Stochastic(14, 3, 3), (v) => [v.k, v.d]);
    check(bt.rows, 'adx14', new Adx(14), (v) => [v.adx]);
  });
  it('Highest(high, 14), Lowest(low, 14)', () => {
    check(bt.rows, 'highest14', on(new Highest(14), (b) => b.high), one);
    check(bt.rows, 'lowest14', on(new Lowest(14), (b) => b.low), one);
  });
  it('CrossOver(SMA 10, SMA 30) fires on exactly the bars backtrader signals, with the same sign', () => {
    const fast = new Sma(10);
    const slow = new Sma(30);
    const c = new CrossOver();
    const ours: Array<[number, number]> = [];
    bars.forEach((b, i) => {
      const f = fast.update(b.close);
      const s = slow.update(b.close);
      if (f === undefined || s === undefined) return;
      const x = c.update([f, s]);
      if (x) ours.push([i, x]);
    });
    expect(ours).toEqual(bt.crossoverSma10Sma30);
  });
});

describe('indicators match technicalindicators 3.1.0 on NVDA daily', () => {
  it('OBV and cumulative VWAP', () => {
    check(ti.rows, 'obv', new Obv(), one);
    check(ti.rows, 'vwap', new Vwap(), one);
  });
});
