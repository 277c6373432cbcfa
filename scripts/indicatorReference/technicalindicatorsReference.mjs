// Reference values for OBV and VWAP (backtrader 1.9.78 has neither), computed by the npm library
// technicalindicators 3.1.0. Run once, output committed:
//   npm install --no-save technicalindicators@3.1.0
//   node scripts/indicatorReference/technicalindicatorsReference.mjs packages/gateway/data/nvda-1999-2014.csv \
//     > packages/runtime/test/fixtures/indicators-technicalindicators-nvda.json
// Conventions (the library's): OBV starts at 0 on the first bar and adds/subtracts each later bar's
// volume by the sign of the close's change; VWAP is cumulative from the first bar over the typical
// price (high + low + close) / 3. Every bar of the first FULL is kept, then every EVERY-th and the last.
import { readFileSync } from 'node:fs';
import ti from 'technicalindicators';

const FULL = 120;
const EVERY = 20;
const lines = readFileSync(process.argv[2], 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const high = lines.map((c) => Number(c[2]));
const low = lines.map((c) => Number(c[3]));
const close = lines.map((c) => Number(c[4]));
const volume = lines.map((c) => Number(c[6]));
// The library's outputs start at the first bar it can compute: OBV's at bar 1 (bar 0 is its 0 seed), VWAP's at bar 0.
const obv = ti.OBV.calculate({ close, volume });
const vwap = ti.VWAP.calculate({ high, low, close, volume });
const rows = [];
const num = (x) => Number(x.toPrecision(12));
for (let i = 0; i < close.length; i++) {
  if (i < FULL || i % EVERY === 0 || i === close.length - 1) rows.push({ i, obv: i === 0 ? 0 : num(obv[i - 1]), vwap: num(vwap[i]) });
}
process.stdout.write(JSON.stringify({ source: 'technicalindicators 3.1.0 (npm), scripts/indicatorReference/technicalindicatorsReference.mjs', data: process.argv[2], rows }));
