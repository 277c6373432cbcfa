import { BehaviorSubject, map, Observable, Subject, type Subscriber } from 'rxjs';
import { errorForCode, type AccountAssets, type Clock, type Bar, type ConnectionState, type Fill, type Order, type OrderRequest, type PlacedOrder, type Position, type Quote } from '@pounce/core';
import {
  engineErrorRefusal, MatchingEngine, modifyRefusal, orderRefusal, refusalCode, type AccountKind, type EngineEvent, type MarketBar, type MatchingConfig, type NewOrder, type OrderRefusal,
  type RuleContext, type RuleOrder, type EngineOrder,
} from '@pounce/matching';
import type { Venue } from '@pounce/runtime';
import { assetsModel, engineLegs, fillModel, orderModel, positionModel } from './engineModels.ts';
import { EquityRows } from './equityRows.ts';
import { CurveStats } from './metrics.ts';
import { timeSlices } from './timeSlices.ts';
import { nextImmediate } from './immediateTurns.ts';
import type { BuyAndHold } from './benchmark.ts';

export const BACKTEST_ACCOUNT = 'BACKTEST';

/** How long after the last bar the clock may still move for what is due (a session's close). */
const DAY_MS = 86_400_000;

/**
 * A bar as a strategy receives it from the service: the push protocol's KlineData carries prices
 * as 32-bit floats (protocol.md 7.3), so a live strategy sees them rounded that way. Matching
 * still uses the full-precision bar, as the gateway does.
 */
export function asPushed(b: MarketBar): Bar {
  return { symbol: b.symbol, time: b.time, open: Math.fround(b.open), high: Math.fround(b.high), low: Math.fround(b.low), close: Math.fround(b.close), volume: b.volume };
}

/**
 * Resolves once every promise continuation queued so far, and every one those queue in turn, has
 * run, and then in a later immediate. Node runs its nextTick queue only when the microtask queue
 * is empty, so a tick queued from a microtask fires after the whole chain (a strategy's
 * `await submit(...)` and what follows) has settled, however many hops it takes. The immediate
 * after it is what a step with order activity costs: Node reports a promise rejection nobody
 * handled (a strategy bug, which a run halts on) only once its tick queue is empty and control
 * is back in a macrotask; without it a whole replay was one pass of the queues and a strategy's
 * error surfaced after the last bar. The immediates come in batches (nextImmediate), so the event
 * loop's I/O poll runs once per batch of such steps. The first `await` puts the caller in a
 * microtask, which the tick relies on (from a macrotask's synchronous code the tick would run
 * before pending microtasks). An immediate the step's own code scheduled runs first; a timer it
 * set is not waited for.
 */
async function settled(): Promise<void> {
  await undefined;
  await new Promise<void>((r) => process.nextTick(r));
  await nextImmediate();
}

/** A `bars$` subscriber and the symbols it asked for. */
interface BarListener {
  symbols: ReadonlySet<string>;
  sink: Subscriber<Bar>;
}

/** What a backtest venue is besides its data and matching config. */
export interface BacktestVenueOptions {
  /** Keep every equity point (default true; a report draws them). */
  keepEquity?: boolean;
  /** Called with each equity point as it is made, e.g. to write it to disk instead of keeping it. */
  onEquity?: (p: EquityPoint) => void;
  /**
   * The account the backtest predicts (default 'paper', as a paper run): its venue rules apply,
   * e.g. no GTC on a paper account.
   */
  accountKind?: AccountKind;
  /**
   * The symbols the venue trades. Default: those of the bars (or of a stream's `symbols`); a stream
   * without them knows a symbol once its first bar has been replayed.
   */
  symbols?: readonly string[];
  /** A buy-and-hold benchmark to value at every step (its value goes into each equity point). */
  benchmark?: BuyAndHold;
  /**
   * Warm-up: bars before this time (epoch ms) reach the strategy (its indicators warm up) but it
   * cannot trade on them (orders are refused) and they are not on the equity curve.
   */
  tradeFrom?: number;
}

/** A venue refusal as the OpenAPI path raises it: the service's error class, code and words. */
function refusalError(r: OrderRefusal, kind: AccountKind, method: string): Error {
  return errorForCode(refusalCode(r, kind), r.message, method);
}

/** A point of the equity curve, one per replay step. */
export interface EquityPoint {
  time: number;
  equity: number;
  /** Gross position value / equity at that step (for exposure). */
  gross: number;
  /** The buy-and-hold benchmark's value at that step, when the run has one. */
  benchmark?: number;
}

/**
 * The simulated exchange for backtests: the same MatchingEngine the gateway uses, driven step by
 * step on a simulated clock. Per step it does what the gateway does, in the same order: match
 * working orders against the step's bars, publish the resulting order/fill/position/asset events,
 * then publish the bars. A strategy only ever sees bars up to the current step. Orders pass the
 * venue rules the gateway applies (packages/matching/src/rules), refused with the same error.
 */
export class BacktestVenue implements Venue {
  readonly kind = 'backtest' as const;
  readonly account = BACKTEST_ACCOUNT;
  readonly engine: MatchingEngine;
  readonly accountKind: AccountKind;
  private readonly rules: RuleContext;
  private readonly slices: Iterator<MarketBar[]>;
  /** The first slice, read at construction so the clock starts just before it. */
  private readonly first: IteratorResult<MarketBar[]>;
  /** Steps in the replay when known up front (for progress). */
  private readonly totalSteps: number | undefined;
  private time = 0;
  /** Sleeps on the simulated clock, ended by `run` as it moves time past them. */
  private sleepers: Array<{ due: number; resolve: () => void }> = [];
  readonly clock: Clock = { now: () => this.time, sleep: (ms) => this.sleep(ms) };
  readonly barKind = 'complete' as const;
  private readonly tradeFrom: number;
  /**
   * Bar subscribers, called directly from the replay loop: bars are the innermost loop of a
   * backtest, and a Subject plus a filter operator per subscriber cost more than the strategy.
   * Replaced (not mutated) on (un)subscribe, so a subscriber may leave during a bar.
   */
  private barListeners: readonly BarListener[] = [];
  private readonly ordersOut = new Subject<Order>();
  private readonly fillsOut = new Subject<Fill>();
  private readonly positionsOut = new Subject<Position>();
  private readonly assetsOut = new Subject<AccountAssets>();
  readonly orders$ = this.ordersOut.asObservable();
  readonly fills$ = this.fillsOut.asObservable();
  readonly positions$ = this.positionsOut.asObservable();
  readonly assets$ = this.assetsOut.asObservable();
  readonly connection$ = new BehaviorSubject<ConnectionState>({ state: 'connected', sessions: 1 });
  /** The kept equity curve as compact rows (see the constructor's keepEquity); points are made when read. */
  private readonly curvePoints: EquityRows | undefined;
  /** The metrics' running sums, updated every step whether or not the points are kept. */
  readonly curve = new CurveStats();
  private readonly onEquity: ((p: EquityPoint) => void) | undefined;
  private readonly benchmark: BuyAndHold | undefined;
  /** Splits that took effect for a symbol whose next bar the strategy has not seen yet. */
  private readonly unseenSplits = new Map<string, number>();
  /** Set when a step had order events or venue calls: the strategy may have promise chains to settle. */
  private activity = false;

  /**
   * `source`: bars of any symbols (grouped per symbol and merged by time), or already-built time
   * slices, e.g. a generator streaming from disk so that memory stays flat however long the run.
   */
  /** Equity after the last step. */
  finalEquity: number | undefined;

  constructor(
    source: readonly MarketBar[] | { slices: Iterable<MarketBar[]>; steps?: number; symbols?: readonly string[] },
    config: MatchingConfig,
    { keepEquity = true, onEquity, accountKind = 'paper', symbols, benchmark, tradeFrom }: BacktestVenueOptions = {},
  ) {
    this.benchmark = benchmark;
    this.tradeFrom = tradeFrom ?? -Infinity;
    this.engine = new MatchingEngine(config);
    if (keepEquity) this.curvePoints = new EquityRows(benchmark !== undefined);
    this.onEquity = onEquity;
    this.accountKind = accountKind;
    const listed = symbols ?? (Array.isArray(source) ? [...new Set((source as readonly MarketBar[]).map((b) => b.symbol))] : (source as { symbols?: readonly string[] }).symbols);
    const known = listed ? new Set(listed) : undefined;
    this.rules = {
      accountKind,
      knownSymbol: known ? (s) => known.has(s) : (s) => this.engine.lastPrice(s) !== undefined,
      position: (s) => this.engine.position(BACKTEST_ACCOUNT, s).quantity,
      working: (s, action) => this.engine.workingQuantity(BACKTEST_ACCOUNT, s, action),
    };
    const s = Array.isArray(source) ? timeSlices(source as readonly MarketBar[]) : (source as { slices: Iterable<MarketBar[]>; steps?: number });
    this.slices = s.slices[Symbol.iterator]();
    this.totalSteps = s.steps;
    this.first = this.slices.next();
    if (!this.first.done && this.first.value.length > 0) this.time = this.first.value[0]!.time - 1;
  }

  now(): number {
    return this.time;
  }

  /** Every equity point, when kept (see the constructor's keepEquity): made on first read, then the same array until the next step. */
  get equity(): EquityPoint[] {
    return this.curvePoints?.points() ?? [];
  }

  runStartTime(): number {
    return this.time;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.sleepers.push({ due: this.time + ms, resolve }));
  }

  /**
   * Moves the clock to each sleep's end before `until` (a bar due at a session's close is emitted
   * at the close, before the next bar is matched), letting what each wakes up run.
   */
  private async wakeSleepers(until: number): Promise<void> {
    while (this.sleepers.length > 0) {
      let next = this.sleepers[0]!;
      for (const s of this.sleepers) if (s.due < next.due) next = s;
      if (next.due > until) return;
      if (next.due > this.time) this.time = next.due;
      const due = this.sleepers.filter((s) => s.due <= this.time);
      this.sleepers = this.sleepers.filter((s) => s.due > this.time);
      for (const s of due) s.resolve();
      // Let the woken code (a bar's emission, the orders it sends) run before time moves on.
      await settled();
      if (this.activity) {
        this.activity = false;
        await settled();
      }
    }
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    for (const l of this.barListeners) l.sink.complete();
    this.barListeners = [];
  }

  /**
   * Replays every step. After a step with order activity it waits until the strategy's promise
   * continuations (submit results and what follows them) have settled (see `settled`), so they
   * finish before the next bar, as they would between pushes; quiet steps only yield a microtask
   * (the hot path).
   */
  async run(onProgress?: (done: number, total: number) => void, progressEvery = 50_000): Promise<void> {
    const total = this.totalSteps ?? 0;
    for (let i = 0; ; i++) {
      const r = i === 0 ? this.first : this.slices.next();
      if (r.done) break;
      const slice = r.value;
      if (this.sleepers.length > 0) await this.wakeSleepers(slice[0]!.time);
      this.time = slice[0]!.time;
      // Match the whole time slice before the strategy sees any of it, as the gateway does: an
      // order decided on one symbol's bar must not fill against another symbol's bar of the same
      // instant (that would trade on a price older than the information behind the order).
      if (slice.length === 1) {
        const events = this.engine.onBar(slice[0]!);
        this.publish(events);
        this.deliver(slice[0]!);
      } else {
        const matched = slice.map((bar) => this.engine.onBar(bar));
        for (let j = 0; j < slice.length; j++) {
          this.publish(matched[j]!);
          this.deliver(slice[j]!);
        }
      }
      const s = this.engine.summary(BACKTEST_ACCOUNT);
      this.finalEquity = s.netLiquidation;
      if (slice[0]!.time < this.tradeFrom) {
        // Warm-up: the strategy saw the bars; nothing traded, so nothing to record.
        await undefined;
        continue;
      }
      // The metrics' sums every step; the point itself only for a report that draws the curve.
      this.curve.add(slice[0]!.time, s.netLiquidation, s.grossPositionValue);
      const benchmark = this.benchmark?.step(slice);
      this.curvePoints?.append(slice[0]!.time, s.netLiquidation, s.grossPositionValue, benchmark);
      if (this.onEquity) {
        // Two literals, not a conditional spread: the spread cost as much per step as the rest of the point.
        const point: EquityPoint = benchmark === undefined
          ? { time: slice[0]!.time, equity: s.netLiquidation, gross: s.grossPositionValue }
          : { time: slice[0]!.time, equity: s.netLiquidation, gross: s.grossPositionValue, benchmark };
        this.onEquity(point);
      }
      if (this.activity) {
        // Let every continuation of this step's order activity run, as the gaps between pushes do live.
        this.activity = false;
        await settled();
      } else {
        await undefined;
      }
      if (onProgress && i % progressEvery === 0) onProgress(i, total);
    }
    // The data ran out: what was due within a day of the last bar (its session's close) still happens.
    await this.wakeSleepers(this.time + DAY_MS);
    // The last session is over, so its DAY orders expire (as on the gateway).
    this.publish(this.engine.expireDayOrders(this.time));
    if (this.activity) {
      this.activity = false;
      await settled();
    }
    onProgress?.(total, total);
  }

  /** Hands one bar to the `bars$` subscribers of its symbol. */
  private deliver(bar: MarketBar): void {
    const listeners = this.barListeners;
    if (listeners.length === 0) return;
    const pushed = asPushed(bar);
    if (this.unseenSplits.size > 0) {
      const ratio = this.unseenSplits.get(bar.symbol);
      if (ratio !== undefined) {
        pushed.splitRatio = ratio;
        this.unseenSplits.delete(bar.symbol);
      }
    }
    for (const l of listeners) if (l.symbols.has(bar.symbol)) l.sink.next(pushed);
  }

  private publish(events: readonly EngineEvent[]): void {
    if (events.length > 0) this.activity = true;
    for (const ev of events) {
      switch (ev.kind) {
        case 'order':
          this.ordersOut.next(orderModel(ev.order));
          break;
        case 'fill':
          this.fillsOut.next(fillModel(ev.fill));
          break;
        case 'position':
          this.positionsOut.next(positionModel(ev.position));
          break;
        case 'account':
          this.assetsOut.next(assetsModel(this.engine.summary(ev.account), this.now()));
          break;
        case 'corporateAction':
          if (ev.action.kind === 'split') this.unseenSplits.set(ev.action.symbol, (this.unseenSplits.get(ev.action.symbol) ?? 1) * ev.action.ratio);
          break;
      }
    }
  }

  bars$(symbols: readonly string[]): Observable<Bar> {
    const set = new Set(symbols);
    return new Observable<Bar>((sink) => {
      const listener: BarListener = { symbols: set, sink };
      this.barListeners = [...this.barListeners, listener];
      return () => {
        this.barListeners = this.barListeners.filter((l) => l !== listener);
      };
    });
  }

  /** One quote per bar (its close), so quote-driven strategies run too. */
  quotes$(symbols: readonly string[]): Observable<Quote> {
    return this.bars$(symbols).pipe(
      map((b): Quote => ({ symbol: b.symbol, time: b.time, latestPrice: b.close, bidPrice: b.close, askPrice: b.close, bidSize: undefined, askSize: undefined, volume: b.volume, open: b.open, high: b.high, low: b.low, preClose: undefined })),
    );
  }

  /**
   * Places an order as the gateway does: the venue rules first (a refusal throws the error the
   * OpenAPI client raises for it, e.g. TradeError code 1300 on a paper account), then the engine,
   * whose events start with Initial.
   */
  async placeOrder(req: OrderRequest): Promise<PlacedOrder> {
    this.activity = true;
    this.refuseDuringWarmUp();
    const order = this.engineOrder(req, 'place_order');
    // Submitted synchronously: the order is working before the next bar, whatever the caller awaits.
    const placed = this.engineCall('place_order', () => this.engine.submit(order, this.now()));
    this.publish(placed.events);
    return { id: placed.order.id, orderId: placed.order.seq, order: orderModel(placed.order) };
  }

  /** Warm-up bars are for the strategy's indicators: an order decided on one is refused. */
  private refuseDuringWarmUp(): void {
    if (this.time < this.tradeFrom) {
      // A trade refusal's code (1300 on paper), as the venue rules answer: the order never exists.
      const code = refusalCode({ kind: 'trade' } as OrderRefusal, this.accountKind);
      throw errorForCode(code, `warm-up: trading starts at ${new Date(this.tradeFrom).toISOString()}`, 'place_order');
    }
  }

  /**
   * An order request as the engine takes it, after the venue rules (as the gateway parses the
   * wire). One object serves both: the rules read the wire fields, the engine copies only its own.
   */
  private engineOrder(req: OrderRequest, method: string): NewOrder {
    const attached = req.legs ? engineLegs(req.legs) : undefined;
    const order: RuleOrder = {
      account: BACKTEST_ACCOUNT, symbol: req.symbol, action: req.action, orderType: req.orderType, quantity: req.quantity, limitPrice: req.limitPrice,
      auxPrice: req.auxPrice, trailingPercent: req.trailingPercent, timeInForce: req.timeInForce ?? 'DAY', userMark: req.userMark,
      secType: req.secType, outsideRth: req.outsideRth, attachType: attached?.attachType,
    };
    if (attached) order.legs = attached.legs;
    const refusal = orderRefusal(order, this.rules);
    if (refusal) throw refusalError(refusal, this.accountKind, method);
    return order;
  }

  /** Places an OCA group as the gateway does (each order through the rules, then the engine's group). */
  async placeOcaOrders(reqs: readonly OrderRequest[]): Promise<PlacedOrder[]> {
    this.activity = true;
    this.refuseDuringWarmUp();
    const orders = reqs.map((r) => this.engineOrder(r, 'place_order'));
    const placed = this.engineCall('place_order', () => this.engine.submitOca(orders, this.now()));
    this.publish(placed.events);
    return placed.orders.map((o) => ({ id: o.id, orderId: o.seq, order: orderModel(o) }));
  }

  async cancelOrder(orderId: string): Promise<void> {
    this.activity = true;
    this.publish(this.engineCall('cancel_order', () => this.engine.cancel(orderId, this.now())));
  }

  async modifyOrder(orderId: string, req: OrderRequest): Promise<void> {
    this.activity = true;
    const changes = { quantity: req.quantity, limitPrice: req.limitPrice, auxPrice: req.auxPrice, trailingPercent: req.trailingPercent };
    const o = this.engine.order(orderId);
    if (o) {
      const refusal = modifyRefusal({ ...o, quantity: changes.quantity, limitPrice: changes.limitPrice ?? o.limitPrice, auxPrice: changes.auxPrice ?? o.auxPrice, trailingPercent: changes.trailingPercent ?? o.trailingPercent }, this.rules);
      if (refusal) throw refusalError(refusal, this.accountKind, 'modify_order');
    }
    this.publish(this.engineCall('modify_order', () => this.engine.modify(orderId, changes, this.now())));
  }

  /** Runs an engine call; its typed errors become the errors the OpenAPI client raises for them. */
  private engineCall<T>(method: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      const refusal = engineErrorRefusal(e);
      if (refusal) throw refusalError(refusal, this.accountKind, method);
      throw e;
    }
  }

  async orders(): Promise<Order[]> {
    this.activity = true;
    return this.engine.ordersOf(BACKTEST_ACCOUNT).map(orderModel).reverse();
  }

  async findOrderByUserMark(userMark: string, since: number): Promise<Order | undefined> {
    return this.orderWhere((x) => x.userMark === userMark && x.createdAt >= since);
  }

  async orderById(orderId: string): Promise<Order | undefined> {
    return this.orderWhere((x) => x.id === orderId);
  }

  /** The account's first order matching `test`, as the venue reports it (a lookup is order activity). */
  private orderWhere(test: (o: Readonly<EngineOrder>) => boolean): Order | undefined {
    this.activity = true;
    const o = this.engine.ordersOf(BACKTEST_ACCOUNT).find(test);
    return o ? orderModel(o) : undefined;
  }

  async openOrders(): Promise<Order[]> {
    this.activity = true;
    return this.engine.openOrders(BACKTEST_ACCOUNT).map(orderModel);
  }

  async fills(since: number): Promise<Fill[]> {
    this.activity = true;
    return this.engine.fillsOf(BACKTEST_ACCOUNT).filter((f) => f.time >= since).map(fillModel);
  }

  async positions(): Promise<Position[]> {
    this.activity = true;
    return this.engine.positions(BACKTEST_ACCOUNT).map(positionModel);
  }

  async assets(): Promise<AccountAssets> {
    this.activity = true;
    return assetsModel(this.engine.summary(BACKTEST_ACCOUNT), this.now());
  }
}
