"""Reference values for Pounce's indicators, computed by backtrader 1.9.78 (run once, output committed).

Usage (from the repo root):
  PYTHONPATH=../shared/peers/backtrader-1.9.78 python3 scripts/indicatorReference/backtrader_reference.py \
      packages/gateway/data/nvda-1999-2014.csv > packages/runtime/test/fixtures/indicators-backtrader-nvda.json

Seeding conventions are backtrader's: EMA, SMMA (RSI, ATR, ADX) start from the simple average of their
first `period` inputs; StdDev and Bollinger use the population deviation; Stochastic is the slow one
(%K = SMA(fast %K, 3), %D = SMA(%K, 3)). The file keeps every bar of the warm-up region (the first
`FULL` bars), then every `EVERY`th bar and the last one; crossover signals are kept for every bar.
"""
import json, math, sys
import backtrader as bt

FULL, EVERY = 120, 20

SPECS = {
    'sma10': lambda d: bt.ind.SMA(d.close, period=10),
    'ema10': lambda d: bt.ind.EMA(d.close, period=10),
    'wma10': lambda d: bt.ind.WMA(d.close, period=10),
    'rsi14': lambda d: bt.ind.RSI(d.close, period=14),
    'macd': lambda d: bt.ind.MACDHisto(d.close, period_me1=12, period_me2=26, period_signal=9),
    'bollinger20': lambda d: bt.ind.BollingerBands(d.close, period=20, devfactor=2.0),
    'atr14': lambda d: bt.ind.ATR(d, period=14),
    'stochastic14': lambda d: bt.ind.Stochastic(d, period=14, period_dfast=3, period_dslow=3),
    'adx14': lambda d: bt.ind.ADX(d, period=14),
    'stdev20': lambda d: bt.ind.StdDev(d.close, period=20),
    'highest14': lambda d: bt.ind.Highest(d.high, period=14),
    'lowest14': lambda d: bt.ind.Lowest(d.low, period=14),
}
LINES = {'macd': ('macd', 'signal', 'histo'), 'bollinger20': ('mid', 'top', 'bot'), 'stochastic14': ('percK', 'percD')}


def num(x):
    return None if x is None or math.isnan(x) else float('%.12g' % x)


class Record(bt.Strategy):
    def __init__(self):
        d = self.data
        self.inds = {k: f(d) for k, f in SPECS.items()}
        self.cross = bt.ind.CrossOver(bt.ind.SMA(d.close, period=10), bt.ind.SMA(d.close, period=30))
        self.rows, self.crosses = [], []

    def record(self):
        i = len(self.data) - 1
        c = self.cross[0] if len(self.cross) else float('nan')
        if c == c and c != 0:
            self.crosses.append([i, int(c)])
        if i < FULL or i % EVERY == 0 or i == self.data.buflen() - 1:
            row = {'i': i}
            for k, ind in self.inds.items():
                names = LINES.get(k)
                if names:
                    row[k] = [num(getattr(ind.lines, n)[0]) for n in names]
                else:
                    row[k] = num(ind[0])
            self.rows.append(row)

    def prenext(self):
        self.record()

    def next(self):
        self.record()


f = sys.argv[1]
cerebro = bt.Cerebro(stdstats=False, runonce=False)
cerebro.adddata(bt.feeds.YahooFinanceCSVData(dataname=f, adjclose=False, round=False))
cerebro.addstrategy(Record)
s = cerebro.run()[0]
json.dump({
    'source': 'backtrader 1.9.78 (../shared/peers), scripts/indicatorReference/backtrader_reference.py',
    'data': f, 'lines': {k: list(v) for k, v in LINES.items()}, 'crossoverSma10Sma30': s.crosses, 'rows': s.rows,
}, sys.stdout, separators=(',', ':'))
