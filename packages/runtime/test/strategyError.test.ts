import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { BacktestVenue } from '../../backtest/src/index.ts';
import { defineStrategy, OpenApiVenue, OrderJournal, TradingEngine, type StrategyErrorPolicy, type SubmittedOrder } from '../src/index.ts';
import { clientsFor, startTestGateway, tempDirs, until } from '../../gateway/test/testGateway.ts';
import { startedOnGateway } from './startedOnGateway.ts';

const tempDir = tempDirs();
const started = startedOnGateway();

/** Throws on its 3rd bar; from the 5th bar on it asks to buy one share per bar, twice. */
function throwsOnThirdBar(via: 'subscriber' | 'operator' | 'async' = 'subscriber') {
  const submitted: Array<Promise<SubmittedOrder>> = [];
  let bars = 0;
  const def = defineStrategy({
    name: 'throws-on-3rd-bar', params: {}, symbols: ['AAA'],
    setup(ctx) {
      const onBar = () => {
        bars++;
        if (bars === 3) throw new Error('bug on bar 3');
        if (bars >= 5 && submitted.length < 2) submitted.push(ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 }));
      };
      if (via === 'subscriber') ctx.bars$().subscribe(onBar);
      // A throw inside an operator reaches the subscriber as an error it has no callback for.
      else if (via === 'operator') ctx.bars$().pipe(map(() => onBar())).subscribe(() => undefined);
      else ctx.bars$().subscribe(async () => { await Promise.resolve(); onBar(); });
    },
  });
  return { def, submitted, bars: () => bars };
}

const journaledErrors = (dir: string) => OrderJournal.read(dir).filter((e) => e.e === 'strategy-error');

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const DAY = 86_400_000;
const history: MarketBar[] = Array.from({ length: 12 }, (_, i) => ({ symbol: 'AAA', time: T0 + i * DAY, open: 10 + i, high: 10.5 + i, low: 9.5 + i, close: 10 + i, volume: 10_000 }));

async function onBacktestVenue(policy: StrategyErrorPolicy | undefined, via?: 'subscriber' | 'operator' | 'async') {
  const s = throwsOnThirdBar(via);
  const venue = new BacktestVenue(history, { fees: perShareFees(0), initialCash: 100_000, participation: 1 });
  const runDir = tempDir('pounce-strategy-error-');
  started.engine = await TradingEngine.start({ def: s.def, venue, runDir, onStrategyError: policy });
  await venue.run();
  const results = await Promise.all(s.submitted);
  return { ...s, results, runDir };
}

describe('an exception in strategy code is contained at the runtime boundary (BacktestVenue)', () => {
  it('default (halt): the run goes on, the error is journaled and shown in status, later orders are refused', async () => {
    const r = await onBacktestVenue(undefined);
    expect(r.bars()).toBe(12); // the strategy kept getting bars after its error
    expect(r.results).toHaveLength(2);
    for (const x of r.results) expect(x.rejected).toMatch(/^risk: trading halted: strategy error in bars\$ subscriber: bug on bar 3$/);
    const status = started.engine!.status();
    expect(status.strategyErrors).toBe(1);
    expect(status.lastStrategyError).toBe('bars$ subscriber: bug on bar 3');
    expect(status.halted).toMatch(/^strategy error/);
    expect(journaledErrors(r.runDir)).toEqual([expect.objectContaining({ where: 'bars$ subscriber', message: 'bug on bar 3', stack: expect.stringContaining('strategyError.test.ts') })]);
  });

  it('continue: the error is journaled and counted, and later orders are accepted and fill', async () => {
    const r = await onBacktestVenue('continue');
    expect(r.results.map((x) => x.rejected)).toEqual([undefined, undefined]);
    for (const x of r.results) expect(x.orderId).toBeDefined();
    expect(started.engine!.status()).toMatchObject({ strategyErrors: 1, halted: undefined, fills: 2 });
    expect(journaledErrors(r.runDir)).toHaveLength(1);
  });

  it('a throw inside a pipe(...) operator and a rejected async handler are contained too', async () => {
    const viaOperator = await onBacktestVenue(undefined, 'operator');
    // The operator's error ends that pipeline (RxJS semantics): the strategy sees no more bars there.
    expect(viaOperator.bars()).toBe(3);
    expect(journaledErrors(viaOperator.runDir)).toEqual([expect.objectContaining({ message: 'bug on bar 3', where: expect.stringMatching(/^bars\$ subscriber/) })]);
    await started.engine!.stop();
    const viaAsync = await onBacktestVenue(undefined, 'async');
    expect(viaAsync.bars()).toBe(12);
    expect(viaAsync.results.every((x) => x.rejected?.startsWith('risk: trading halted: strategy error'))).toBe(true);
  });

  it('throws in fills$ and orders$ subscribers are contained; with continue the orders still fill', async () => {
    const submitted: Array<Promise<SubmittedOrder>> = [];
    const def = defineStrategy({
      name: 'throws-on-events', params: {}, symbols: ['AAA'],
      setup(ctx) {
        ctx.fills$.subscribe(() => { throw new Error('fill handler bug'); });
        ctx.orders$.subscribe({ next: () => { throw new Error('order handler bug'); } });
        ctx.bars$().subscribe(() => { if (submitted.length < 2) submitted.push(ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 })); });
      },
    });
    const venue = new BacktestVenue(history, { fees: perShareFees(0), initialCash: 100_000, participation: 1 });
    const runDir = tempDir('pounce-strategy-error-');
    started.engine = await TradingEngine.start({ def, venue, runDir, onStrategyError: 'continue' });
    await venue.run();
    await Promise.all(submitted);
    expect(started.engine.status().fills).toBe(2);
    const where = new Set(journaledErrors(runDir).map((e) => (e.e === 'strategy-error' ? e.where : '')));
    expect(where).toEqual(new Set(['fills$ subscriber', 'orders$ subscriber']));
  });

  it('a throw in setup is contained: start resolves, halted, with the error journaled', async () => {
    const def = defineStrategy({ name: 'bad-setup', params: {}, symbols: ['AAA'], setup() { throw new Error('setup bug'); } });
    const venue = new BacktestVenue(history, { fees: perShareFees(0), initialCash: 100_000 });
    const runDir = tempDir('pounce-strategy-error-');
    started.engine = await TradingEngine.start({ def, venue, runDir });
    expect(started.engine.status()).toMatchObject({ strategyErrors: 1, lastStrategyError: 'setup: setup bug', halted: 'strategy error in setup: setup bug' });
    expect(journaledErrors(runDir)).toHaveLength(1);
  });
});

describe('an exception in strategy code is contained at the runtime boundary (local gateway)', () => {
  async function onGateway(policy: StrategyErrorPolicy | undefined) {
    started.gw = await startTestGateway();
    started.gw.advance(5);
    const c = clientsFor(started.gw);
    const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
    const s = throwsOnThirdBar();
    const runDir = tempDir('pounce-strategy-error-');
    started.engine = await TradingEngine.start({ def: s.def, venue, runDir, onStrategyError: policy });
    // Step the replay one bar at a time until the strategy has asked for both orders.
    await until(() => {
      if (s.submitted.length < 2) started.gw!.advance(1);
      return s.submitted.length === 2;
    }, 15_000);
    const results = await Promise.all(s.submitted);
    return { ...s, results, runDir };
  }

  it('default (halt): later orders are refused and never reach the gateway; the error is journaled', async () => {
    const r = await onGateway(undefined);
    for (const x of r.results) expect(x.rejected).toMatch(/^risk: trading halted: strategy error in bars\$ subscriber: bug on bar 3$/);
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(0);
    expect(started.engine!.status()).toMatchObject({ strategyErrors: 1, connection: 'connected' });
    expect(journaledErrors(r.runDir)).toEqual([expect.objectContaining({ where: 'bars$ subscriber', message: 'bug on bar 3' })]);
  });

  it('continue: later orders reach the gateway', async () => {
    const r = await onGateway('continue');
    for (const x of r.results) expect(x.orderId).toBeDefined();
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(2);
    expect(started.engine!.status()).toMatchObject({ strategyErrors: 1, halted: undefined });
  });
});
