import { afterEach, describe, expect, it } from 'vitest';
import { BehaviorSubject, Subject } from 'rxjs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { ConnectionState, Fill } from '@pounce/core';
import type { TradingEngine } from '@pounce/runtime';
import { RunMetrics, runHealth, RunNotifications, type Notification, type WatchedRun } from '../src/index.ts';

/** A run with no strategy: its connection, account halt, rate limiter and push times are the test's. */
function fakeRun() {
  const connection$ = new BehaviorSubject<ConnectionState>({ state: 'connecting', sessions: 0 });
  const eventTimes$ = new Subject<number>();
  let halt: string | undefined;
  let clock = 1_000_000;
  const run: WatchedRun = {
    strategies: () => [], connection$, eventTimes$, accountHalt: () => halt,
    rateLimitTokens: () => new Map([['place_order', 118.5], ['paper-writes', 117]]), receiptNow: () => clock,
  };
  return { run, connection$, eventTimes$, setHalt: (h: string | undefined) => (halt = h), setClock: (t: number) => (clock = t) };
}

const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

describe('run notifications: the connection and the account', () => {
  it('tells a disconnect, the reconnect after it, and an account halt once', () => {
    const f = fakeRun();
    const got: Notification[] = [];
    const watch = new RunNotifications(f.run, { notify: (n) => got.push(n) }, 60_000);
    stops.push(() => watch.stop());
    f.connection$.next({ state: 'connected', sessions: 1 });
    f.connection$.next({ state: 'reconnecting', sessions: 1, reason: 'retry in 500 ms' });
    f.connection$.next({ state: 'reconnecting', sessions: 1, reason: 'retry in 1000 ms' });
    f.connection$.next({ state: 'connected', sessions: 2 });
    f.setHalt('account daily loss 5100.00 reached the limit 5000');
    watch.stop();
    watch.stop();
    expect(got.map((n) => [n.kind, n.text])).toEqual([
      ['disconnect', 'push connection reconnecting: retry in 500 ms'],
      ['reconnect', 'push connection back (connection 2)'],
      ['halt', 'halted: account daily loss 5100.00 reached the limit 5000'],
    ]);
    expect(got[2]!.details).toEqual({ scope: 'account' });
    expect(got[2]!.strategy).toBeUndefined();
  });
});

/** A stand-in engine: its fills and counts are the test's; what the watchers read of a `TradingEngine`. */
function fakeEngine(fills: number) {
  const fills$ = new Subject<Fill>();
  const engine = { execution: { fills$, orderCount: fills, fillCount: fills, rejectedCount: 0 }, status: () => ({ halted: undefined, strategyErrors: 0, pnl: 0, equity: 1000, openOrders: 0 }) };
  return { engine: engine as unknown as TradingEngine, fills$ };
}
const fill = (id: string): Fill => ({ id, orderId: `o${id}`, symbol: 'NVDA', action: 'BUY', quantity: 1, price: 10, time: 0 } as Fill);

describe("a node's strategy stopped and started again (a new engine under the same label)", () => {
  it('notifies the new engine\'s fills, not the stopped one\'s; metrics and health read the engine running now', async () => {
    const f = fakeRun();
    const first = fakeEngine(5);
    const engines = new Map([['b', first.engine]]);
    const changed$ = new Subject<string>();
    const run: WatchedRun = { ...f.run, strategies: () => [...engines].map(([label, engine]) => ({ label, engine })), strategiesChanged$: changed$ };
    const got: Notification[] = [];
    const watch = new RunNotifications(run, { notify: (n) => got.push(n) }, 60_000);
    const metrics = new RunMetrics(run);
    stops.push(() => watch.stop(), () => metrics.stop());
    const fillsTotal = async () => parsePrometheusTextFormat(await metrics.text()).find((x) => x.name === 'pounce_fills_total')!.metrics.map((m) => [m.labels?.strategy, Number(m.value)]);
    first.fills$.next(fill('1'));
    expect(await fillsTotal()).toEqual([['b', 5]]);

    engines.delete('b');
    changed$.next('b');
    expect(await fillsTotal()).toEqual([]);
    const second = fakeEngine(2);
    engines.set('b', second.engine);
    changed$.next('b');
    second.fills$.next(fill('2'));
    first.fills$.next(fill('late fill of the stopped engine'));
    expect(got.filter((n) => n.kind === 'fill').map((n) => [n.strategy, n.details?.fillId])).toEqual([['b', '1'], ['b', '2']]);
    expect(await fillsTotal()).toEqual([['b', 2]]);
    expect(runHealth(run, metrics).halted).toEqual({});
    // Stopped watching: no fill of either engine is told any more.
    watch.stop();
    second.fills$.next(fill('3'));
    expect(got.filter((n) => n.kind === 'fill')).toHaveLength(2);
    expect(first.fills$.observed || second.fills$.observed).toBe(false);
  });
});

describe('run metrics and health without a strategy', () => {
  it('reconnects, connection, account halt, rate-limit tokens and push lag, as a Prometheus parser reads them; health 503 while disconnected or halted', async () => {
    const f = fakeRun();
    const metrics = new RunMetrics(f.run);
    stops.push(() => metrics.stop());
    expect(runHealth(f.run, metrics)).toMatchObject({ healthy: false, connected: false, connection: 'connecting', lastPushAgeSeconds: null });
    f.connection$.next({ state: 'connected', sessions: 3 });
    f.eventTimes$.next(1_000_000 - 250);
    f.eventTimes$.next(1_000_000 - 4000);
    expect(runHealth(f.run, metrics)).toMatchObject({ healthy: true, connected: true, halted: {}, reconnects: 2, lastPushAgeSeconds: expect.any(Number) });
    const families = parsePrometheusTextFormat(await metrics.text());
    const value = (name: string, labels: Record<string, string> = {}) => Number(families.find((x) => x.name === name)!.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))!.value);
    expect(value('pounce_reconnects_total')).toBe(2);
    expect(value('pounce_connected')).toBe(1);
    expect(value('pounce_account_halted')).toBe(0);
    expect(value('pounce_rate_limit_tokens', { bucket: 'place_order' })).toBe(118.5);
    expect(value('pounce_rate_limit_tokens', { bucket: 'paper-writes' })).toBe(117);
    const lag = families.find((x) => x.name === 'pounce_push_lag_seconds')!.metrics[0]!;
    expect(Number(lag.count)).toBe(2);
    expect(Number(lag.sum)).toBeCloseTo(4.25, 6);
    expect(Number(lag.buckets!['0.25'])).toBe(1);
    expect(Number(lag.buckets!['5'])).toBe(2);

    f.setHalt('account daily loss 5100.00 reached the limit 5000');
    expect(runHealth(f.run, metrics)).toMatchObject({ healthy: false, connected: true, halted: { account: 'account daily loss 5100.00 reached the limit 5000' } });
    f.setHalt(undefined);
    f.connection$.next({ state: 'reconnecting', sessions: 3 });
    expect(runHealth(f.run, metrics)).toMatchObject({ healthy: false, connected: false, connection: 'reconnecting' });
  });
});
