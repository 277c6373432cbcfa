import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { usEquities } from '@pounce/calendar';
import { loadConfig, OpenApiClient, PushClient, type Order, type OrderAction, type OrderRequest } from '@pounce/core';
import { syntheticBars } from '@pounce/gateway';
import { AccountRisk, dayTradesOf, defineStrategy, OpenApiVenue, OrderJournal, PatternDayTrades, TradingNode, windowStart, type AccountLimits, type NodeStrategy } from '../src/index.ts';
import { startTestGateway, tempDirs, until } from '../../gateway/test/testGateway.ts';

const tmp = tempDirs();

/** Venue time at `minute` minutes after the US open on `date`. */
const at = (date: string, minute = 0) => usEquities.session(date)!.open + minute * 60_000;

describe('day trades (FINRA: buying and selling the same security on the same day)', () => {
  it('runs of one side pair with the next run of the other side', () => {
    const s = (x: string) => [...x].map((c) => (c === 'B' ? 'BUY' : 'SELL') as OrderAction);
    expect(dayTradesOf(s(''))).toBe(0);
    expect(dayTradesOf(s('B'))).toBe(0);
    expect(dayTradesOf(s('BBS'))).toBe(1); // buy twice, sell once: one day trade
    expect(dayTradesOf(s('BSS'))).toBe(1);
    expect(dayTradesOf(s('SB'))).toBe(1); // selling then buying is one too
    expect(dayTradesOf(s('BSB'))).toBe(1);
    expect(dayTradesOf(s('BSBS'))).toBe(2);
    expect(dayTradesOf(s('BBSSBBSS'))).toBe(2);
  });

  it('the window is the five US business days ending today, across a weekend and a holiday', () => {
    // Thanksgiving 2024 (Thu Nov 28) is closed; Mon Dec 2 looks back over Fri 29, Wed 27, Tue 26, Mon 25.
    expect(windowStart('2024-12-02')).toBe('2024-11-25');
    expect(windowStart('2024-12-03')).toBe('2024-11-26');
    const pdt = new PatternDayTrades();
    let n = 0;
    const trade = (date: string, symbol: string) => {
      pdt.record(`b${n}`, symbol, 'BUY', at(date, 10));
      pdt.record(`s${n++}`, symbol, 'SELL', at(date, 20));
    };
    trade('2024-11-25', 'NVDA');
    trade('2024-11-26', 'NVDA');
    trade('2024-11-27', 'ORCL');
    expect(pdt.count(at('2024-12-02'))).toEqual({ dayTrades: 3, from: '2024-11-25', to: '2024-12-02' });
    // A day later Monday's day trade has left the window.
    expect(pdt.count(at('2024-12-03')).dayTrades).toBe(2);
  });

  it('an order that ends with nothing filled is no part of a day trade', () => {
    const pdt = new PatternDayTrades();
    pdt.record('b', 'NVDA', 'BUY', at('2024-11-25', 1));
    pdt.record('s', 'NVDA', 'SELL', at('2024-11-25', 2));
    expect(pdt.count(at('2024-11-25')).dayTrades).toBe(1);
    pdt.drop('s');
    expect(pdt.count(at('2024-11-25')).dayTrades).toBe(0);
    // Once filled it stays: a later drop of the same key changes nothing.
    pdt.record('s2', 'NVDA', 'SELL', at('2024-11-25', 3));
    pdt.settle('s2');
    pdt.drop('s2');
    expect(pdt.count(at('2024-11-25')).dayTrades).toBe(1);
  });
});

describe('the account risk refuses the order that would complete a 4th day trade in 5 business days', () => {
  const req = (symbol: string, action: OrderAction, userMark: string) => ({ symbol, action, orderType: 'MKT', quantity: 10, userMark }) as OrderRequest;
  function risk(limits: AccountLimits, equity: number) {
    let now = at('2024-11-25');
    const r = new AccountRisk(limits, { grossExposure: () => 0, equity: () => equity, price: () => 100, now: () => now, day: () => 1 });
    let n = 0;
    /** Sends `sides` on `symbol` at `date`, returning each check's refusal (undefined when sent). */
    const send = (date: string, symbol: string, sides: OrderAction[]) => sides.map((side) => ((now = at(date, ++n % 300)), r.check(req(symbol, side, `m${n}`), side === 'SELL')));
    return { r, send };
  }

  it('under $25,000: three day trades pass, the order completing the 4th is refused, the next business days too, until one leaves the window', () => {
    const { send } = risk({}, 20_000);
    expect(send('2024-11-25', 'NVDA', ['BUY', 'SELL'])).toEqual([undefined, undefined]);
    expect(send('2024-11-26', 'NVDA', ['BUY', 'SELL'])).toEqual([undefined, undefined]);
    expect(send('2024-11-27', 'ORCL', ['SELL', 'BUY'])).toEqual([undefined, undefined]); // short then cover
    const [open, close] = send('2024-12-02', 'NVDA', ['BUY', 'SELL']);
    expect(open).toBeUndefined(); // opening is no day trade yet
    expect(close).toBe('pattern day trader: SELL NVDA would be day trade 4 in the 5 business days 2024-11-25 to 2024-12-02 (account equity 20000.00, under 25000; account.patternDayTrader "off" for a cash account)');
    // Another symbol's first order of the day completes nothing: it passes.
    expect(send('2024-12-02', 'ORCL', ['BUY'])).toEqual([undefined]);
    // Tuesday: Monday Nov 25 has left the window (2 day trades in it): a 3rd goes through.
    expect(send('2024-12-03', 'NVDA', ['SELL', 'BUY'])).toEqual([undefined, undefined]);
  });

  it('orders still working count: a buy and a sell sent together cannot slip a 4th day trade past it', () => {
    const { send } = risk({}, 20_000);
    for (const d of ['2024-11-25', '2024-11-26', '2024-11-27']) send(d, 'NVDA', ['BUY', 'SELL']);
    const [buy, sell] = send('2024-11-29', 'ORCL', ['BUY', 'SELL']);
    expect(buy).toBeUndefined();
    expect(sell).toMatch(/^pattern day trader: SELL ORCL would be day trade 4/);
  });

  it('a buy cancelled unfilled frees the day trade its sell would have completed', () => {
    const { r, send } = risk({}, 20_000);
    for (const d of ['2024-11-25', '2024-11-26', '2024-11-27']) send(d, 'NVDA', ['BUY', 'SELL']);
    const [buy, sell] = send('2024-11-29', 'NVDA', ['BUY', 'SELL']);
    expect([buy, sell?.slice(0, 45)]).toEqual([undefined, 'pattern day trader: SELL NVDA would be day tr']);
    r.orderEndedUnfilled('m7'); // that buy: cancelled, nothing filled
    expect(send('2024-11-29', 'NVDA', ['SELL'])).toEqual([undefined]);
  });

  it('the venue reporting that buy cancelled unfilled (the node router\'s path, orderSeen) frees the day trade too', () => {
    const { r, send } = risk({}, 20_000);
    for (const d of ['2024-11-25', '2024-11-26', '2024-11-27']) send(d, 'NVDA', ['BUY', 'SELL']);
    send('2024-11-29', 'NVDA', ['BUY']);
    const reported = (status: string, filledQuantity: number) => ({ id: '77', account: 'A', symbol: 'NVDA', action: 'BUY', orderType: 'MKT', totalQuantity: 10, filledQuantity, status, userMark: 'm7', commission: 0, updateTime: at('2024-11-29', 9), timeInForce: 'DAY' }) as Order;
    r.orderSeen(reported('Submitted', 0));
    expect(send('2024-11-29', 'NVDA', ['SELL'])[0]?.slice(0, 45)).toBe('pattern day trader: SELL NVDA would be day tr');
    r.orderSeen(reported('Cancelled', 0));
    expect(send('2024-11-29', 'NVDA', ['SELL'])).toEqual([undefined]);
  });

  it('equity of $25,000 or more, `off`, or a Hong Kong symbol: no limit', () => {
    const days = ['2024-11-25', '2024-11-26', '2024-11-27', '2024-11-29'];
    const rich = risk({}, 25_000);
    const off = risk({ patternDayTrader: 'off' }, 1_000);
    const hk = risk({}, 1_000);
    for (const d of days) {
      expect(rich.send(d, 'NVDA', ['BUY', 'SELL'])).toEqual([undefined, undefined]);
      expect(off.send(d, 'NVDA', ['BUY', 'SELL'])).toEqual([undefined, undefined]);
      expect(hk.send(d, '00700', ['BUY', 'SELL'])).toEqual([undefined, undefined]);
    }
    expect(rich.r.dayTrades.count(at('2024-11-29')).dayTrades).toBe(4);
  });
});

/** Buys `qty` when flat, sells it back when long, one order at a time: a day trade every two fills. */
const flipper = defineStrategy({
  name: 'flipper', params: { qty: { type: 'integer', default: 10 } }, symbols: ['AAA'],
  setup(ctx) {
    ctx.bars$().subscribe((b) => {
      if (ctx.workingOrders(b.symbol) > 0) return;
      const held = ctx.position(b.symbol).quantity;
      void ctx.submit({ symbol: b.symbol, side: held > 0 ? 'SELL' : 'BUY', quantity: held > 0 ? held : ctx.params.qty });
    });
  },
});

/** A node of two flippers (or `strategies`) on a local gateway; `step` advances one bar and waits for the strategies' decisions. */
async function startNode(account: AccountLimits, cash: number, strategies?: NodeStrategy[]) {
  const gw = await startTestGateway({ bars: syntheticBars({ symbols: ['AAA', 'BBB'], bars: 120, seed: 7 }), matching: { initialCash: cash } });
  gw.advance(2);
  const nodeDir = tmp('pounce-pdt-');
  const list = strategies ?? [
    { tag: 'a', def: flipper, rawParams: { qty: 10 }, symbols: ['AAA'] },
    { tag: 'b', def: flipper, rawParams: { qty: 5 }, symbols: ['BBB'] },
  ];
  // Two strategies on two symbols: the count is the account's, over both.
  const open = (resume: boolean) => {
    const cfg = loadConfig({ path: gw.clientConfigPath, env: {} });
    const api = OpenApiClient.fromConfig(cfg, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem, heartbeatMs: 1000, reconnect: { initialMs: 20, maxMs: 200 } });
    const venue = new OpenApiVenue('embedded-paper', api, push, ['AAA', 'BBB'], () => gw.replay.now());
    return TradingNode.start({ venue, nodeDir, account, resume, strategies: list });
  };
  let node = await open(false);
  const decided = () => [...node.engines.values()].reduce((n, e) => n + e.status().orders + e.status().rejected, 0);
  const settled = () => until(() => [...node.engines.values()].every((e) => e.execution.inFlight === 0), 5000);
  const step = async () => {
    const before = decided();
    gw.advance(1);
    // A completed bar makes each strategy send (or be refused) at most one order: wait for a decision
    // (a step that brings none only costs the bound; the assertions do not count steps).
    await until(() => decided() > before, 5000).catch(() => undefined);
    await settled();
  };
  const dayTradesAtGateway = () => ['AAA', 'BBB'].reduce((n, s) => n + dayTradesOf(gw.engine.fillsOf(gw.account).filter((f) => f.symbol === s).sort((x, y) => x.time - y.time || Number(x.id) - Number(y.id)).map((f) => f.action)), 0);
  const rejected = () => list.flatMap((t) => OrderJournal.read(join(nodeDir, 'strategies', t.tag)).flatMap((e) => (e.e === 'rejected' ? [e.reason] : [])));
  return {
    gw, nodeDir, step, settled, dayTradesAtGateway, rejected,
    get node() {
      return node;
    },
    /** Stops the node (as a kill -9 would leave it: nothing but its journals) and starts it again with --resume. */
    async restart() {
      await node.stop();
      node = await open(true);
    },
    async stop() {
      await node.stop();
      await gw.stop();
    },
  };
}

async function runNode(account: AccountLimits, cash: number) {
  const n = await startNode(account, cash);
  for (let k = 0; k < 30; k++) await n.step();
  await n.stop();
  return { dayTrades: n.dayTradesAtGateway(), rejected: n.rejected() };
}

describe('a node on the local gateway, account under $25,000', () => {
  it('enforce (default): the account completes 3 day trades on the day; the order that would be the 4th is journaled as rejected and never sent', async () => {
    const r = await runNode({}, 20_000);
    expect(r.dayTrades).toBe(3);
    expect(r.rejected.length).toBeGreaterThan(0);
    for (const reason of r.rejected) expect(reason).toMatch(/^venue: account risk: pattern day trader: SELL (AAA|BBB) would be day trade 4 in the 5 business days 2023-12-26 to 2024-01-02 \(account equity [\d.]+, under 25000;/);
  }, 60_000);

  it('off: the same strategies day trade freely', async () => {
    const r = await runNode({ patternDayTrader: 'off' }, 20_000);
    expect(r.dayTrades).toBeGreaterThan(3);
    expect(r.rejected).toEqual([]);
  }, 60_000);
});

describe('the day-trade count of a node', () => {
  it('ctl flatten refused by the rule answers ok:false and names the refusal, not "market orders sent"', async () => {
    const n = await startNode({}, 20_000);
    try {
      while (n.rejected().length === 0) await n.step();
      // The refused flipper holds what it bought: its closing sell would be the 4th day trade too.
      const symbol = /SELL (AAA|BBB)/.exec(n.rejected()[0]!)![1]!;
      const [tag, engine] = [...n.node.engines].find(([, e]) => e.symbols.includes(symbol))!;
      const r = await n.node.control('flatten', tag, 'ctl');
      expect(r.ok).toBe(false);
      expect(r.text).toMatch(/NOT closed: SELL \d+ (AAA|BBB) refused \(venue: account risk: pattern day trader: SELL (AAA|BBB) would be day trade 4 /);
      expect(r.text).not.toMatch(/market orders sent/);
      expect(engine.portfolio.positions().length).toBe(1);
      const journaled = OrderJournal.read(join(n.nodeDir, 'strategies', tag)).filter((e) => e.e === 'control');
      expect(journaled.at(-1)).toMatchObject({ action: 'flatten', ok: false });
    } finally {
      await n.stop();
    }
  }, 60_000);

  it('is rebuilt from the journals on --resume: 3 day trades before the restart, the 4th is refused after it', async () => {
    const n = await startNode({}, 20_000);
    try {
      while (n.dayTradesAtGateway() < 3) await n.step();
      // The order that would be the 4th may be out already: restart before it is decided.
      await n.restart();
      expect(n.node.accountRisk.dayTrades.count(n.gw.replay.now()).dayTrades).toBe(3);
      for (let k = 0; k < 10; k++) await n.step();
      expect(n.dayTradesAtGateway()).toBe(3);
      expect(n.rejected().some((r) => /would be day trade 4/.test(r))).toBe(true);
    } finally {
      await n.stop();
    }
  }, 60_000);

  it('counts the same-day exit of a bracket leg (an order the node did not send)', async () => {
    const n = await startNode({}, 20_000, [{ tag: 'br', def: bracketOnce, symbols: ['AAA'] }]);
    try {
      await n.step(); // the entry is sent
      const sells = () => n.gw.engine.fillsOf(n.gw.account).filter((f) => f.action === 'SELL').length;
      // The gateway fills as it advances; the strategy sends nothing more, so there is no decision to wait for.
      for (let k = 0; k < 60 && sells() === 0; k++) n.gw.advance(1);
      expect(sells()).toBeGreaterThan(0);
      expect(n.dayTradesAtGateway()).toBe(1);
      await until(() => n.node.accountRisk.dayTrades.count(n.gw.replay.now()).dayTrades === 1, 5000);
    } finally {
      await n.stop();
    }
  }, 60_000);
});

/** Buys once with a tight take-profit and stop-loss attached: one of the legs closes it the same day. */
const bracketOnce = defineStrategy({
  name: 'bracket-once', params: {}, symbols: ['AAA'],
  setup(ctx) {
    let sent = false;
    ctx.bars$().subscribe(({ symbol, close }) => {
      if (sent) return;
      sent = true;
      const c = (x: number) => Math.round(x * 100) / 100;
      void ctx.submit({ symbol, side: 'BUY', quantity: 10, type: 'limit', limitPrice: c(close * 1.02), takeProfit: { limitPrice: c(close * 1.002) }, stopLoss: { stopPrice: c(close * 0.998) } });
    });
  },
});
