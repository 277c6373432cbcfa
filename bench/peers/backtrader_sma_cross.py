"""Drives backtrader (run with PYTHONPATH pointing at it; nothing of it is copied here) for the peer rows
of `npm run bench`: SMA 10/30 cross, 100 shares, market orders, long only, on N copies of one file.
usage: python3 backtrader_sma_cross.py daily|minute FILE N FILLS_OUT
daily: a Yahoo-format daily file (read with round=False, no adjustment); minute: the Date,Time,... format.
Writes one line per executed order: symbol, bar time of the fill (date for daily, 'date HH:MM' for minute,
the file's wall clock), BUY|SELL, price, size. Prints `final <equity> secs <run time>`."""
import sys, time, backtrader as bt
kind, f, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

class SmaCross(bt.Strategy):
    params = dict(fast=10, slow=30)
    def __init__(self):
        self.cross = {d: bt.ind.CrossOver(bt.ind.SMA(d, period=self.p.fast), bt.ind.SMA(d, period=self.p.slow)) for d in self.datas}
    def start(self): self.out = open(out, "w")
    def stop(self): self.out.close()
    def notify_order(self, o):
        if o.status != o.Completed: return
        dt = o.data.num2date(o.executed.dt)
        when = dt.strftime("%Y-%m-%d") if kind == "daily" else dt.strftime("%Y-%m-%d %H:%M")
        self.out.write(f"{o.data._name},{when},{'BUY' if o.isbuy() else 'SELL'},{o.executed.price!r},{abs(o.executed.size)}\n")
    def next(self):
        for d, c in self.cross.items():
            pos = self.getposition(d).size
            if not pos and c[0] > 0: self.buy(data=d, size=100)
            elif pos and c[0] < 0: self.close(data=d)

cerebro = bt.Cerebro(stdstats=False)
for i in range(n):
    if kind == "daily":
        feed = bt.feeds.YahooFinanceCSVData(dataname=f, adjclose=False, round=False)
    else:
        feed = bt.feeds.GenericCSVData(dataname=f, dtformat="%Y-%m-%d", tmformat="%H:%M:%S", datetime=0, time=1,
            open=2, high=3, low=4, close=5, volume=6, openinterest=7, timeframe=bt.TimeFrame.Minutes)
    cerebro.adddata(feed, name=f"S{i}")
cerebro.addstrategy(SmaCross)
cerebro.broker.setcash(10_000_000.0)
t = time.time(); cerebro.run(); dt = time.time() - t
print("final", round(cerebro.broker.getvalue(), 4), "secs", round(dt, 3))
