import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catchError, config as rxConfig, EMPTY, share, Subject, takeUntil, tap, type Observable, type Subscription } from 'rxjs';
import { redact, silentLogger, type Fill, type Logger, type Order } from '@pounce/core';
import { SessionDay, tieredFees, type FeeModel } from '@pounce/matching';
import { parseTimeframe } from '@pounce/calendar';
import { BarFeed } from './data/BarFeed.ts';
import { checkOrderTag, DEFAULT_ORDER_TAG, newRunNonce } from './execution/clientOrderId.ts';
import { ExecutionEngine, type ClosingOrder } from './execution/ExecutionEngine.ts';
import { MarketJournal } from './journal/MarketJournal.ts';
import { NullJournal, OrderJournal, replayJournal, type Journal, type RunVenueModel } from './journal/OrderJournal.ts';
import { journalCounts, type JournalCounts } from './journal/journalCounts.ts';
import { RunDirLock } from './journal/RunDirLock.ts';
import { Portfolio } from './portfolio/Portfolio.ts';
import { RiskEngine, type HaltCause, type RiskLimits } from './risk/RiskEngine.ts';
import { ContainedObservable } from './strategy/ContainedObservable.ts';
import { parseParams } from './strategy/params.ts';
import type { OrderHandle, ParamSpecs, ParamValues, PersistedState, StrategyContext, StrategyDefinition, SubmittedOrder } from './strategy/types.ts';
import type { OrderTrack } from './execution/OrderHandles.ts';
import { StrategyOrderHandle, type HandleOwner } from './execution/StrategyOrderHandle.ts';
import type { Venue } from './venue/Venue.ts';
import { refuseOtherAccount } from './journal/accountContinuity.ts';

export interface RunOptions {
  def: StrategyDefinition;
  rawParams?: Record<string, string | number | boolean>;
  symbols?: readonly string[];
  venue: Venue;
  /** The run's folder: journal, state. Reused as-is with `resume`. */
  runDir: string;
  /**
   * The run folder's lock, when the caller took it first (the CLI does, before the embedded
   * gateway writes its state there); the journal releases it at stop. Without it the engine
   * takes the lock itself (a stale one only when `resume`).
   */
  lock?: RunDirLock;
  resume?: boolean;
  /** This strategy's tag in its client order ids (1-8 of a-z0-9; default `main`). */
  orderTag?: string;
  /**
   * The run nonce of its client order ids, instead of a random one. For runs that never reach a
   * broker (backtests), so that the same inputs give the same ids and reports compare.
   */
  idNonce?: string;
  /** How long an order whose place_order reply was lost is looked for before "not received" (ms, default 5000). */
  unknownOutcomeWindowMs?: number;
  risk?: RiskLimits;
  /**
   * Fee schedule for estimating a fill's fee where the venue reports fees per order only (OpenAPI
   * venues), so cash moves by notional and fee at the fill; the order's reported commission then
   * replaces the estimate. Default: the TradeUP-like schedule the embedded gateway charges.
   */
  fees?: FeeModel;
  logger?: Logger;
  /** fsync the journal on every event (slower; survives power loss, not just a crash). */
  fsync?: boolean;
  /** `none` keeps no journal file (backtests: the report is the record). Default `file`. */
  journal?: 'file' | 'none';
  /**
   * What an exception in strategy code does once it is journaled, logged and counted in `status()`:
   * `halt` (default) halts new exposure through the risk engine (reduce-only orders still pass;
   * reconciling and the process go on), `continue` lets the strategy trade on.
   */
  onStrategyError?: StrategyErrorPolicy;
  /**
   * Also treat this process's unhandled promise rejections (e.g. a throw in `submit(...).then(...)`)
   * and RxJS's unhandled errors as this run's strategy errors, until `stop()`. For a process that runs
   * one strategy (the CLI): nothing else tells whose rejection it was.
   */
  captureProcessErrors?: boolean;
  /**
   * Also journal the bars and quotes the strategy sees (`market.csv`, what `replay-check` replays).
   * Default true with a journal file; off for very long runs.
   */
  marketJournal?: boolean;
  /** The venue's fill model and replayed data, written to the journal's `run` line for replays. */
  venueModel?: RunVenueModel;
  /**
   * The strategy's timeframe instead of its declared one (`1m` ... `1d`), or `venue` for the
   * venue's own bars (e.g. a daily strategy tried on minute data as it comes).
   */
  timeframe?: string;
}

/** See `RunOptions.onStrategyError`. */
export type StrategyErrorPolicy = 'halt' | 'continue';

export interface RunStatus {
  positions: Array<{ symbol: string; quantity: number }>;
  equity: number;
  pnl: number;
  openOrders: number;
  /** Orders whose outcome the venue has not confirmed yet (venue unreachable when sent). */
  pending: number;
  /** Orders sent, fills booked and orders refused, over the whole run: a resumed run counts on from its journal (TradingEngine.journaled). */
  orders: number;
  fills: number;
  rejected: number;
  connection: string;
  halted: string | undefined;
  haltCause: HaltCause | undefined;
  /** Why new orders are paused by an operator (`ctl`, dashboard), if they are; undone by resume. */
  paused: string | undefined;
  /** Exceptions thrown by strategy code so far (contained: see `RunOptions.onStrategyError`). */
  strategyErrors: number;
  /** The last one, as `where: message`. */
  lastStrategyError: string | undefined;
  venueTime: number;
}

export interface RunSummary extends RunStatus {
  journalPath: string;
  startEquity: number;
  missedFillsRecovered: number;
}

/** The pause text a strategy's refusals and status show (`trading halted: paused by ctl`). */
export const pausedText = (by: string): string => `paused by ${by}`;

/** What `submit` answers during warm-up: no order exists, so its streams are empty. */
const WARM_UP_REFUSAL: SubmittedOrder = { clientOrderId: '', orderId: undefined, rejected: 'warm-up' };
const NO_TRACK: OrderTrack = { status$: EMPTY, fills$: EMPTY };

/**
 * Wires one strategy to one venue through one message flow (the nautilus idea): venue data ->
 * strategy; strategy commands -> risk -> execution -> venue; venue events -> journal, portfolio ->
 * strategy. The same engine runs backtest, paper and live; only the Venue differs.
 *
 * @example
 * ```ts
 * const run = await TradingEngine.start({ def, venue, runDir: '.pounce/runs/demo' });
 * setTimeout(() => void run.stop().then((s) => console.log(s.fills, 'fills')), 20_000);
 * ```
 */
export class TradingEngine {
  private readonly stop$ = new Subject<void>();
  private readonly subs: Subscription[] = [];
  private teardown: (() => void) | undefined;
  private startEquity = 0;
  private missed = 0;
  private connection = 'connecting';
  private stopped: Promise<RunSummary> | undefined;
  /** Set once the portfolio holds the venue's state: marks before that would measure nothing. */
  private seeded = false;
  private strategyErrors = 0;
  private lastStrategyError: string | undefined;
  private releaseProcessErrors: (() => void) | undefined;
  private readonly idNonce: string;
  readonly execution: ExecutionEngine;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngine;
  readonly journal: Journal;
  private readonly market: MarketJournal | undefined;
  readonly log: Logger;
  /** The strategy's bars: timeframe, warm-up and history. */
  readonly bars: BarFeed;

  private constructor(private readonly o: RunOptions, readonly params: Record<string, unknown>, readonly symbols: readonly string[]) {
    this.log = o.logger ?? silentLogger;
    const tag = checkOrderTag(o.orderTag ?? DEFAULT_ORDER_TAG);
    if (o.journal === 'none') {
      this.journal = new NullJournal(o.runDir);
    } else {
      const journal = OrderJournal.open(o.lock ?? RunDirLock.acquire(o.runDir, { takeOverStale: o.resume === true }), { fsync: o.fsync, clock: () => o.venue.now() });
      if (journal.tornTail) {
        const { bytes, keptIn } = journal.tornTail;
        this.log.warn('journal ended in a torn line (a crash mid-write); cut it off', { bytes, keptIn });
        journal.append({ t: Date.now(), e: 'note', text: `torn last line (${bytes} bytes) cut off, kept in ${keptIn}` });
      }
      this.journal = journal;
    }
    this.portfolio = new Portfolio(o.fees ?? tieredFees());
    // The exchange's session day in New York, on the venue's clock (replay time on a replaying venue).
    const session = new SessionDay('America/New_York');
    this.market = o.journal !== 'none' && o.marketJournal !== false ? MarketJournal.open(o.runDir) : undefined;
    this.risk = new RiskEngine(o.risk ?? {}, {
      position: (s) => this.portfolio.position(s),
      price: (s) => this.portfolio.price(s),
      grossExposure: () => this.portfolio.grossExposure(),
      equity: () => this.portfolio.equity(),
      now: () => o.venue.now(),
      day: () => session.of(o.venue.now()),
      workingOrders: (symbol) => this.execution.workingOrders(symbol),
    }, (day, startEquity) => this.journal.append({ t: Date.now(), e: 'risk-day', day, startEquity }));
    const entries = o.resume ? OrderJournal.read(o.runDir) : undefined;
    const prior = entries ? replayJournal(entries) : undefined;
    if (entries) this.journaled = journalCounts(entries);
    this.journaledAccount = prior?.run?.account;
    // A resumed run keeps the day's losses: the day starts where the journal says, not at the resume.
    if (prior?.riskDay) this.risk.restoreDay(prior.riskDay.day, prior.riskDay.startEquity);
    // A run paused by an operator stays paused when resumed, before its strategy can send anything.
    if (prior?.pausedBy) this.risk.pause(pausedText(prior.pausedBy));
    // A resumed run keeps its nonce (its ids stay one family) and continues its counter; a new
    // run draws a new one, so runs sharing a folder name never share an id.
    this.idNonce = prior?.run?.idNonce ?? o.idNonce ?? newRunNonce();
    const ids = { nonce: this.idNonce, tag };
    this.execution = new ExecutionEngine(o.venue, this.journal, this.risk, this.portfolio, this.log, ids, prior?.run?.since ?? o.venue.now(), { unknownOutcomeWindowMs: o.unknownOutcomeWindowMs });
    if (prior) this.execution.restore(prior.fills.keys(), prior.intents, prior.run?.idNonce ? prior.lastOrderNumber : 0, prior.orders.values());
    const tf = o.timeframe ?? o.def.timeframe;
    const warmUp = typeof o.def.warmUp === 'function' ? o.def.warmUp(params as never) : (o.def.warmUp ?? 0);
    if (!Number.isInteger(warmUp) || warmUp < 0) throw new Error(`warmUp of ${o.def.name}: expected a whole number of bars >= 0, got ${warmUp}`);
    this.bars = new BarFeed({
      venue: o.venue, symbols, timeframe: tf === undefined || tf === 'venue' ? undefined : parseTimeframe(tf), extendedHours: o.def.extendedHours ?? false,
      warmUp, right: o.def.adjustment ?? 'br', logger: this.log,
    });
  }

  /** Validates params, connects the venue, reconciles, runs the strategy's setup. */
  static async start(o: RunOptions): Promise<TradingEngine> {
    const params = parseParams(o.def.params, o.rawParams ?? {});
    const symbols = o.symbols && o.symbols.length > 0 ? o.symbols : o.def.symbols;
    const engine = new TradingEngine(o, params, symbols);
    try {
      await engine.begin();
    } catch (e) {
      engine.releaseProcessErrors?.();
      // A retry the first reconcile scheduled must not outlive a start that failed after it.
      engine.startFailed = true;
      clearTimeout(engine.reconcileTimer);
      throw e;
    }
    return engine;
  }

  private async begin(): Promise<void> {
    const { venue, def } = this.o;
    if (this.o.captureProcessErrors) this.captureProcessErrors();
    // Connect first: only a connected venue knows its own time (replay time on a gateway).
    await venue.start();
    if (!this.o.resume) {
      const since = venue.runStartTime();
      this.execution.startingAt(since);
      this.journal.append({ t: Date.now(), e: 'run', strategy: def.name, params: this.params, venue: venue.kind, account: venue.account, symbols: [...this.symbols], since, idNonce: this.idNonce, risk: this.o.risk ?? {}, model: this.o.venueModel });
    } else {
      refuseOtherAccount('run', this.journaledAccount, venue.account);
      this.journal.append({ t: Date.now(), e: 'note', text: 'resumed' });
    }
    this.execution.start();
    // A connection that already reconnected before this run tells so as it is subscribed to (a
    // node's shared push, a strategy started by ctl later): the start's own reconcile covers that.
    let subscribing = true;
    this.subs.push(
      venue.connection$.subscribe((c) => {
        this.connection = c.state;
        // After a reconnect, pushes sent during the gap are gone: reconcile through REST.
        if (c.state === 'connected' && c.sessions > 1 && !subscribing) this.reconcileSoon(0);
      }),
    );
    subscribing = false;
    this.subs.push(
      venue.bars$(this.symbols).subscribe({ next: (b) => this.mark(b.symbol, b.close), error: (e: Error) => this.log.warn('bar stream ended', { error: e.message }) }),
      // The bars the strategy sees (its timeframe's, warm-up included) are what market.csv records and replay-check replays.
      this.bars.bars$.subscribe((b) => (this.market?.bar(b, venue.now()), this.mark(b.symbol, b.close))),
      // Subscribed before the strategy's handlers: a fill's loss is checked before the strategy reacts.
      this.execution.fills$.subscribe(() => this.markRisk()),
    );
    const r = await this.execution.reconcile();
    this.missed += r.missedFills;
    // An order whose final status could not be looked up yet stays working: ask again shortly.
    if (r.unresolved > 0) this.reconcileSoon(1000);
    this.seeded = true;
    this.markRisk();
    this.startEquity = this.o.resume ? this.priorStartEquity() : (await venue.assets()).netLiquidation;
    if (this.o.journal !== 'none') writeFileSync(join(this.o.runDir, 'start-equity'), String(this.startEquity));
    // Params were validated against def.params above, so the context matches the spec.
    try {
      const result = await def.setup(this.context() as StrategyContext<ParamValues<ParamSpecs>>);
      if (typeof result === 'function') this.teardown = result;
    } catch (e) {
      this.onStrategyError(e, 'setup');
    }
    // After setup, so the strategy's subscriptions see the warm-up bars.
    await this.bars.start();
    this.begun = true;
    if (this.reconcileOnceBegun) this.reconcileSoon(0);
  }

  /**
   * The runtime boundary for strategy code: journals the error (message and stack, redacted), logs
   * it, counts it for `status()`, then applies the run's policy (`halt` by default).
   */
  private onStrategyError(err: unknown, where: string): void {
    const message = redact(err instanceof Error ? err.message : String(err));
    const stack = err instanceof Error && err.stack ? redact(err.stack) : undefined;
    this.strategyErrors++;
    this.lastStrategyError = `${where}: ${message}`;
    try {
      this.journal.append({ t: Date.now(), e: 'strategy-error', where, message, stack });
    } catch {
      // The journal is closed: the run has stopped; the log line below still tells.
    }
    const policy = this.o.onStrategyError ?? 'halt';
    this.log.error(`strategy error in ${where}: ${message}`, { at: stack?.split('\n')[1]?.trim(), then: policy === 'halt' ? 'halting new orders' : 'continuing' });
    if (policy === 'halt') this.risk.halt('strategy-error', `strategy error in ${where}: ${message}`);
  }

  /** Routes the process's unhandled rejections and RxJS unhandled errors to this run (see RunOptions). */
  private captureProcessErrors(): void {
    const onRejection = (reason: unknown) => this.onStrategyError(reason, 'unhandled promise rejection');
    const previousRx = rxConfig.onUnhandledError;
    process.on('unhandledRejection', onRejection);
    rxConfig.onUnhandledError = (e: unknown) => this.onStrategyError(e, 'unhandled stream error');
    this.releaseProcessErrors = () => {
      process.off('unhandledRejection', onRejection);
      rxConfig.onUnhandledError = previousRx;
    };
  }

  /**
   * What the journal held when this run resumed (zeros for a fresh run): status() counts orders,
   * fills and rejections from it on, so a resumed run (`--resume`, `ctl start`) continues them.
   */
  readonly journaled: JournalCounts = { orders: 0, fills: 0, rejected: 0 };
  private reconcileTimer: NodeJS.Timeout | undefined;
  /** The account a resumed run's journal names (its `run` line). */
  private readonly journaledAccount: string | undefined;
  /** Set when start() failed: no reconcile runs after it (stop() is never called then). */
  private startFailed = false;
  /** Set once start() has done all it does; a reconcile asked for before then waits for it (reconcileOnceBegun). */
  private begun = false;
  private reconcileOnceBegun = false;

  /** Reconciles after `delayMs`; retries every second while the venue cannot answer. */
  private reconcileSoon(delayMs: number): void {
    clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => {
      if (this.stopped || this.startFailed) return;
      // Asked for while the start is under way (a reconnect during its reconcile): the pass runs
      // once the run has started, never for a start that fails.
      if (!this.begun) {
        this.reconcileOnceBegun = true;
        return;
      }
      this.execution.reconcile().then(
        (r) => {
          this.missed += r.missedFills;
          if (r.missedFills) this.log.info('reconciled after reconnect', r);
          // An order whose final status could not be looked up is still counted as working: ask again.
          if (r.unresolved > 0) this.reconcileSoon(1000);
        },
        (e: Error) => {
          this.log.warn('reconcile failed; retrying', { error: e.message });
          this.reconcileSoon(1000);
        },
      );
    }, delayMs);
  }

  /** A price mark (bar close, quote): the book is revalued and the daily loss checked at once. */
  private mark(symbol: string, price: number): void {
    this.portfolio.mark(symbol, price);
    this.markRisk();
  }

  private markRisk(): void {
    if (!this.seeded) return;
    const before = this.risk.currentHalt;
    this.risk.onMark();
    const now = this.risk.currentHalt;
    if (now && !before) {
      this.log.warn('halting new exposure', { cause: now.cause, reason: now.text });
      this.journal.append({ t: Date.now(), e: 'note', text: `halted (${now.cause}): ${now.text}` });
    }
  }

  private priorStartEquity(): number {
    const p = join(this.o.runDir, 'start-equity');
    return existsSync(p) ? Number(readFileSync(p, 'utf8')) : this.portfolio.equity();
  }

  /** Ends with the run, and contains what the strategy's callbacks throw (see ContainedObservable). */
  private guard<T>(obs: Observable<T>, name: string): Observable<T> {
    // A venue stream that fails (a kick-out) ends the strategy's stream quietly: the execution
    // engine halts on it with cause `venue`; it is not the strategy's error.
    const source = obs.pipe(
      catchError((e: unknown) => {
        this.log.warn(`${name} ended: the venue stream failed`, { error: e instanceof Error ? e.message : String(e) });
        return EMPTY;
      }),
      takeUntil(this.stop$),
    );
    return ContainedObservable.of(source, (e, where) => this.onStrategyError(e, where), `${name} subscriber`);
  }

  private context(): StrategyContext<Record<string, unknown>> {
    const { venue } = this.o;
    const sharedQuotes$ = venue.quotes$(this.symbols).pipe(tap((q) => (this.market?.quote(q, venue.now()), q.latestPrice !== undefined && this.mark(q.symbol, q.latestPrice))), share());
    const statePath = join(this.o.runDir, 'state.json');
    const stored: Record<string, unknown> = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>) : {};
    const state: PersistedState = {
      get: <T>(k: string) => stored[k] as T | undefined,
      set: (k, v) => {
        stored[k] = v;
        writeFileSync(statePath, JSON.stringify(stored));
        this.journal.append({ t: Date.now(), e: 'state', state: stored });
      },
    };
    const exec = this.execution;
    const engine = this;
    return {
      params: this.params,
      symbols: this.symbols,
      quotes$: this.guard(sharedQuotes$, 'quotes$'),
      bars$: (tf?: string) => {
        if (tf === 'venue') return this.guard(venue.bars$(this.symbols), `bars$('venue')`);
        const own = this.o.timeframe ?? this.o.def.timeframe;
        if (tf !== undefined && tf !== own) throw new Error(`bars$('${tf}'): the strategy's timeframe is ${own ?? 'the venue\'s'}; declare timeframe: '${tf}' in defineStrategy`);
        return this.guard(this.bars.bars$, 'bars$');
      },
      history: (symbol, n) => this.bars.history(symbol, n),
      get warmingUp() {
        return engine.bars.warmingUp;
      },
      fills$: this.guard(exec.fills$ as Observable<Fill>, 'fills$'),
      orders$: this.guard(exec.orders$ as Observable<Order>, 'orders$'),
      positions$: this.guard(venue.positions$, 'positions$'),
      account$: this.guard(venue.assets$, 'account$'),
      // During warm-up no order exists: nothing is sent, journaled or published.
      submit: async (i) => (this.bars.warmingUp ? this.handle({ outcome: WARM_UP_REFUSAL, track: NO_TRACK }) : this.handle(await exec.submitTracked(i))),
      submitOca: async (is) => (this.bars.warmingUp ? is.map(() => this.handle({ outcome: WARM_UP_REFUSAL, track: NO_TRACK })) : (await exec.submitOca(is)).map((r) => this.handle(r))),
      cancel: (id) => exec.cancel(id),
      modify: (id, ch) => exec.modify(id, ch),
      flatten: async (symbol) => void (await this.flatten(symbol)),
      position: (s) => this.portfolio.view(s),
      workingOrders: (symbol) => exec.workingOrders(symbol).length,
      get cash() {
        return engine.portfolio.cash;
      },
      now: () => venue.now(),
      log: this.log,
      state,
    };
  }

  /** A submitted order's handle for strategy code: its streams contained like every other stream. */
  private handle({ outcome, track }: { outcome: SubmittedOrder; track: OrderTrack }): OrderHandle {
    return new StrategyOrderHandle(outcome, track, this.handleOwner);
  }

  /** What every handle shares: the guard of this run and the execution engine's commands. */
  private readonly handleOwner: HandleOwner = {
    guard: (obs, name) => this.guard(obs, name),
    cancel: (id) => this.execution.cancel(id),
    modify: (id, ch) => this.execution.modify(id, ch),
  };

  get strategyName(): string {
    return this.o.def.name;
  }

  /**
   * Cancels open orders and closes positions with market orders (risk halts do not block this; a
   * node's account check, the pattern-day-trader rule, may refuse them). Returns each closing
   * order's outcome.
   */
  flatten(symbol?: string): Promise<ClosingOrder[]> {
    return this.execution.flatten(symbol);
  }

  /** Operator halt: no new exposure from now on (reduce-only orders pass); open orders stay. */
  halt(text: string): void {
    this.risk.halt('operator', text);
    this.journal.append({ t: Date.now(), e: 'note', text: `halted by the operator: ${text}` });
  }

  /** Kill switch: halt new orders and cancel every open one. */
  async kill(reason = 'kill switch'): Promise<number> {
    this.risk.halt('kill-switch', reason);
    this.journal.append({ t: Date.now(), e: 'note', text: `kill switch: ${reason}` });
    return this.execution.cancelAll();
  }

  status(): RunStatus {
    const equity = this.portfolio.equity();
    const j = this.journaled;
    return {
      positions: this.portfolio.positions(), equity, pnl: equity - this.startEquity, openOrders: this.execution.openOrders.length, pending: this.execution.pendingCount,
      orders: j.orders + this.execution.orderCount, fills: j.fills + this.execution.fillCount, rejected: j.rejected + this.execution.rejectedCount, connection: this.connection,
      halted: this.risk.haltReason, haltCause: this.risk.currentHalt?.cause, paused: this.risk.paused, strategyErrors: this.strategyErrors, lastStrategyError: this.lastStrategyError, venueTime: this.o.venue.now(),
    };
  }

  /** Tears the strategy down (its subscriptions end), settles with the venue, closes the journal. */
  stop(): Promise<RunSummary> {
    this.stopped ??= (async () => {
      clearTimeout(this.reconcileTimer);
      try {
        this.teardown?.();
      } catch (e) {
        this.onStrategyError(e, 'teardown');
      }
      this.stop$.next();
      this.stop$.complete();
      this.bars.stop();
      for (const s of this.subs) s.unsubscribe();
      try {
        const r = await this.execution.reconcile();
        this.missed += r.missedFills;
      } catch (e) {
        this.log.warn('final reconcile failed', { error: (e as Error).message });
      }
      const status = this.status();
      this.execution.stop();
      await this.o.venue.stop();
      this.journal.append({ t: Date.now(), e: 'note', text: `stopped: ${status.fills} fills, pnl ${status.pnl.toFixed(2)}` });
      this.journal.close();
      this.releaseProcessErrors?.();
      this.market?.close();
      return { ...status, journalPath: this.journal.path, startEquity: this.startEquity, missedFillsRecovered: this.missed };
    })();
    return this.stopped;
  }
}

