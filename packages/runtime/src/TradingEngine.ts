import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { share, Subject, takeUntil, tap, type Observable, type Subscription } from 'rxjs';
import { silentLogger, type Fill, type Logger, type Order } from '@pounce/core';
import { aggregateBars, timeframeMs } from './data/BarAggregator.ts';
import { ExecutionEngine } from './execution/ExecutionEngine.ts';
import { MarketJournal } from './journal/MarketJournal.ts';
import { NullJournal, OrderJournal, replayJournal, type Journal, type RunVenueModel } from './journal/OrderJournal.ts';
import { Portfolio } from './portfolio/Portfolio.ts';
import { RiskEngine, type RiskLimits } from './risk/RiskEngine.ts';
import { parseParams } from './strategy/params.ts';
import type { ParamSpecs, ParamValues, PersistedState, StrategyContext, StrategyDefinition } from './strategy/types.ts';
import type { Venue } from './venue/Venue.ts';

export interface RunOptions {
  def: StrategyDefinition;
  rawParams?: Record<string, string | number | boolean>;
  symbols?: readonly string[];
  venue: Venue;
  /** The run's folder: journal, state. Reused as-is with `resume`. */
  runDir: string;
  resume?: boolean;
  risk?: RiskLimits;
  logger?: Logger;
  /** fsync the journal on every event (slower; survives power loss, not just a crash). */
  fsync?: boolean;
  /** `none` keeps no journal file (backtests: the report is the record). Default `file`. */
  journal?: 'file' | 'none';
  /**
   * Also journal the bars and quotes the strategy sees (`market.csv`, what `replay-check` replays).
   * Default true with a journal file; off for very long runs.
   */
  marketJournal?: boolean;
  /** The venue's fill model and replayed data, written to the journal's `run` line for replays. */
  venueModel?: RunVenueModel;
}

export interface RunStatus {
  positions: Array<{ symbol: string; quantity: number }>;
  equity: number;
  pnl: number;
  openOrders: number;
  /** Orders whose outcome the venue has not confirmed yet (venue unreachable when sent). */
  pending: number;
  orders: number;
  fills: number;
  rejected: number;
  connection: string;
  halted: string | undefined;
  venueTime: number;
}

export interface RunSummary extends RunStatus {
  journalPath: string;
  startEquity: number;
  missedFillsRecovered: number;
}

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
  readonly execution: ExecutionEngine;
  readonly portfolio = new Portfolio();
  readonly risk: RiskEngine;
  readonly journal: Journal;
  private readonly market: MarketJournal | undefined;
  readonly log: Logger;

  private constructor(private readonly o: RunOptions, readonly params: Record<string, unknown>, readonly symbols: readonly string[]) {
    this.log = o.logger ?? silentLogger;
    this.journal = o.journal === 'none' ? new NullJournal(o.runDir) : OrderJournal.open(o.runDir, { fsync: o.fsync, clock: () => o.venue.now() });
    this.market = o.journal !== 'none' && o.marketJournal !== false ? MarketJournal.open(o.runDir) : undefined;
    const zone = 'America/New_York';
    this.risk = new RiskEngine(o.risk ?? {}, {
      position: (s) => this.portfolio.position(s),
      price: (s) => this.portfolio.price(s),
      grossExposure: () => this.portfolio.grossExposure(),
      equity: () => this.portfolio.equity(),
      now: () => Date.now(),
      day: () => Number(DateTime.fromMillis(o.venue.now(), { zone }).toFormat('yyyyLLdd')),
    });
    const runId = o.runDir.split('/').filter(Boolean).pop()!.slice(-24);
    const prior = o.resume ? replayJournal(OrderJournal.read(o.runDir)) : undefined;
    this.execution = new ExecutionEngine(o.venue, this.journal, this.risk, this.portfolio, this.log, runId, prior?.run?.since ?? o.venue.now());
    if (prior) this.execution.restore(prior.fills.keys(), prior.intents, prior.intents.size);
  }

  /** Validates params, connects the venue, reconciles, runs the strategy's setup. */
  static async start(o: RunOptions): Promise<TradingEngine> {
    const params = parseParams(o.def.params, o.rawParams ?? {});
    const symbols = o.symbols && o.symbols.length > 0 ? o.symbols : o.def.symbols;
    const engine = new TradingEngine(o, params, symbols);
    await engine.begin();
    return engine;
  }

  private async begin(): Promise<void> {
    const { venue, def } = this.o;
    // Connect first: only a connected venue knows its own time (replay time on a gateway).
    await venue.start();
    if (!this.o.resume) {
      const since = venue.runStartTime();
      this.execution.startingAt(since);
      this.journal.append({ t: Date.now(), e: 'run', strategy: def.name, params: this.params, venue: venue.kind, account: venue.account, symbols: [...this.symbols], since, risk: this.o.risk ?? {}, model: this.o.venueModel });
    } else {
      this.journal.append({ t: Date.now(), e: 'note', text: 'resumed' });
    }
    this.execution.start();
    this.subs.push(
      venue.connection$.subscribe((c) => {
        this.connection = c.state;
        // After a reconnect, pushes sent during the gap are gone: reconcile through REST.
        if (c.state === 'connected' && c.sessions > 1) this.reconcileSoon(0);
      }),
      // Subscribed before the strategy's setup: a bar is journaled before the strategy sees it.
      venue.bars$(this.symbols).subscribe({ next: (b) => (this.market?.bar(b, venue.now()), this.portfolio.mark(b.symbol, b.close)), error: (e: Error) => this.log.warn('bar stream ended', { error: e.message }) }),
    );
    const r = await this.execution.reconcile();
    this.missed += r.missedFills;
    this.startEquity = this.o.resume ? this.priorStartEquity() : (await venue.assets()).netLiquidation;
    if (this.o.journal !== 'none') writeFileSync(join(this.o.runDir, 'start-equity'), String(this.startEquity));
    // Params were validated against def.params above, so the context matches the spec.
    const result = await def.setup(this.context() as StrategyContext<ParamValues<ParamSpecs>>);
    if (typeof result === 'function') this.teardown = result;
  }

  private reconcileTimer: NodeJS.Timeout | undefined;

  /** Reconciles after `delayMs`; retries every second while the venue cannot answer. */
  private reconcileSoon(delayMs: number): void {
    clearTimeout(this.reconcileTimer);
    this.reconcileTimer = setTimeout(() => {
      if (this.stopped) return;
      this.execution.reconcile().then(
        (r) => {
          this.missed += r.missedFills;
          if (r.missedFills) this.log.info('reconciled after reconnect', r);
        },
        (e: Error) => {
          this.log.warn('reconcile failed; retrying', { error: e.message });
          this.reconcileSoon(1000);
        },
      );
    }, delayMs);
  }

  private priorStartEquity(): number {
    const p = join(this.o.runDir, 'start-equity');
    return existsSync(p) ? Number(readFileSync(p, 'utf8')) : this.portfolio.equity();
  }

  private guard<T>(obs: Observable<T>): Observable<T> {
    return obs.pipe(takeUntil(this.stop$));
  }

  private context(): StrategyContext<Record<string, unknown>> {
    const { venue } = this.o;
    const quotes$ = this.guard(venue.quotes$(this.symbols).pipe(tap((q) => this.market?.quote(q, venue.now())), share()));
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
      quotes$,
      bars$: (tf?: string) => (tf === undefined || tf === 'venue' ? this.guard(venue.bars$(this.symbols)) : this.guard(aggregateBars(quotes$, timeframeMs(tf)))),
      fills$: this.guard(exec.fills$ as Observable<Fill>),
      orders$: this.guard(exec.orders$ as Observable<Order>),
      positions$: this.guard(venue.positions$),
      account$: this.guard(venue.assets$),
      submit: (i) => exec.submit(i),
      cancel: (id) => exec.cancel(id),
      modify: (id, ch) => exec.modify(id, ch),
      flatten: (symbol) => this.flatten(symbol),
      position: (s) => this.portfolio.position(s),
      get cash() {
        return engine.portfolio.cash;
      },
      now: () => venue.now(),
      log: this.log,
      state,
    };
  }

  get strategyName(): string {
    return this.o.def.name;
  }

  /** Cancels open orders and closes positions with market orders (risk halts do not block this). */
  flatten(symbol?: string): Promise<void> {
    return this.execution.flatten(symbol);
  }

  /** Kill switch: halt new orders and cancel every open one. */
  async kill(reason = 'kill switch'): Promise<number> {
    this.risk.halt(reason);
    this.journal.append({ t: Date.now(), e: 'note', text: `kill switch: ${reason}` });
    return this.execution.cancelAll();
  }

  status(): RunStatus {
    const equity = this.portfolio.equity();
    return {
      positions: this.portfolio.positions(), equity, pnl: equity - this.startEquity, openOrders: this.execution.openOrders.length, pending: this.execution.pendingCount,
      orders: this.execution.orderCount, fills: this.execution.fillCount, rejected: this.execution.rejectedCount, connection: this.connection,
      halted: this.risk.haltReason, venueTime: this.o.venue.now(),
    };
  }

  /** Tears the strategy down (its subscriptions end), settles with the venue, closes the journal. */
  stop(): Promise<RunSummary> {
    this.stopped ??= (async () => {
      clearTimeout(this.reconcileTimer);
      try {
        this.teardown?.();
      } catch (e) {
        this.log.error('strategy teardown failed', { error: (e as Error).message });
      }
      this.stop$.next();
      this.stop$.complete();
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
      this.market?.close();
      return { ...status, journalPath: this.journal.path, startEquity: this.startEquity, missedFillsRecovered: this.missed };
    })();
    return this.stopped;
  }
}

