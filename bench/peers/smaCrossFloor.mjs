// The floor of the minute peer workload in Node, for scale: no engine, no strategy contract, no
// order lifecycle. Pounce's own CSV reader (packages/core, built) and report.json's equity text
// writer (packages/backtest, built) around a hand-written loop: sma(10)/sma(30) crossover on each
// bar's close, 100 shares bought on a cross up and the position sold on the cross down, market
// fills at the next bar's open, no fees. One equity point per bar, written in this thread.
// Usage: node smaCrossFloor.mjs <bars.csv> <equity.json>; prints `fills N final E`.
import { closeSync, openSync } from 'node:fs';
import { readCsvBars } from '../../packages/core/dist/index.js';
import { equityPointJson, JsonArrayWriter } from '../../packages/backtest/dist/equityJson.js';

const [file, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: smaCrossFloor.mjs <bars.csv> <equity.json>');
const FAST = 10;
const SLOW = 30;
const SIZE = 100;
const fastWindow = new Float64Array(FAST);
const slowWindow = new Float64Array(SLOW);
let fastSum = 0;
let slowSum = 0;
let seen = 0;
let previous = Number.NaN;
let position = 0;
let cash = 10_000_000;
let pending = 0;
let fills = 0;
let last = 0;
const fd = openSync(out, 'w');
const equity = new JsonArrayWriter(fd);
for (const bar of readCsvBars(file, { symbol: 'S0' })) {
  if (pending !== 0) {
    cash -= pending * bar.open;
    position += pending;
    pending = 0;
    fills++;
  }
  fastSum += bar.close - fastWindow[seen % FAST];
  fastWindow[seen % FAST] = bar.close;
  slowSum += bar.close - slowWindow[seen % SLOW];
  slowWindow[seen % SLOW] = bar.close;
  seen++;
  if (seen >= SLOW) {
    const diff = fastSum / FAST - slowSum / SLOW;
    if (previous <= 0 && diff > 0 && position <= 0) pending = SIZE;
    else if (previous >= 0 && diff < 0 && position > 0) pending = -position;
    previous = diff;
  }
  last = bar.close;
  equity.add(equityPointJson({ time: bar.time, equity: cash + position * bar.close, gross: Math.abs(position * bar.close) }));
}
equity.close();
closeSync(fd);
console.log(`fills ${fills} final ${(cash + position * last).toFixed(2)}`);
