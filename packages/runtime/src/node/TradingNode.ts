import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subject, type Subscription } from 'rxjs';
import { isTerminal, silentLogger, type Logger, type Order, type OrderAction } from '@pounce/core';
import { SessionDay, tieredFees, type FeeModel } from '@pounce/matching';
import { checkOrderTag } from '../execution/clientOrderId.ts';
import { OrderJournal, replayJournal, type JournalEntry, type JournalState, type RunVenueModel } from '../journal/OrderJournal.ts';
import { RunDirLock } from '../journal/RunDirLock.ts';
import { journalCounts, type JournalCounts } from '../journal/journalCounts.ts';
import type { RiskLimits } from '../risk/RiskLimits.ts';
import type { StrategyDefinition } from '../strategy/types.ts';
import { TradingEngine, type RunStatus, type RunSummary, type StrategyErrorPolicy } from '../TradingEngine.ts';
import { controlEngine, type ControlOutcome, type ControlSource, type StrategyAction } from '../control/StrategyControl.ts';
import { AccountRisk, dayTradeKey, type AccountLimits } from './AccountRisk.ts';
import { StrategyVenue } from './StrategyVenue.ts';
import { VenueRouter, type RoutableVenue } from './VenueRouter.ts';
import { refuseOtherAccount } from '../journal/accountContinuity.ts';

/** One strategy of a node: a plugin with its params, symbols, limits and tag. */
export interface NodeStrategy {
  /** Its tag in client order ids, unique in the node (1-8 of a-z0-9): how its orders are routed back. */
  tag: string;
  def: StrategyDefinition;
  rawParams?: Record<string, string | number | boolean>;
  symbols?: readonly string[];
  risk?: RiskLimits;
  /** Starting cash of its own book; default the account's cash when the node first starts. */
  capital?: number;
  onStrategyError?: StrategyErrorPolicy;
}

export interface NodeOptions {
  /** The shared venue: one client, one push connection for every strategy. Not yet started. */
  venue: RoutableVenue;
  strategies: readonly NodeStrategy[];
  /** The node's folder: `node.jsonl`, and one run folder per strategy under `strategies/<tag>`. */
  nodeDir: string;
  /** The node folder's lock when the caller took it first (the CLI does); else taken here. */
  lock?: RunDirLock;
  resume?: boolean;
  account?: AccountLimits;
  fees?: FeeModel;
  /** A logger per strategy tag (and `node` for the node's own lines). */
  logger?: (scope: string) => Logger;
  marketJournal?: boolean;
  venueModel?: RunVenueModel;
  fsync?: boolean;
  unknownOutcomeWindowMs?: number;
}

/** Where a strategy of a node stands: `paused` and `stopped` are an operator's doing (`pounce ctl`, dashboard). */
export type StrategyState = 'running' | 'paused' | 'stopped';

export interface NodeStatus {
  strategies: Array<RunStatus & { tag: string; strategy: string; state: StrategyState }>;
  account: {
    /** The venue's net liquidation, as last reported. */
    equity: number | undefined;
    /** Every strategy's positions at their last prices. */
    grossExposure: number;
    /** Use of each configured account limit. */
    risk: Array<{ limit: string; used: number; max: number }>;
    halted: string | undefined;
    /** Orders on the account placed outside Pounce (shown, never adopted). */
    externalOrders: Order[];
    /** Fills held until their order is attributed (normally 0). */
    heldFills: number;
  };
}

export interface NodeSummary extends NodeStatus {
  summaries: Array<RunSummary & { tag: string }>;
}

/** The node journal's first line: what a resume restarts (capital included, so books start where they did). */
interface NodeStartLine {
  e: 'node';
  t: number;
  venue: string;
  account: string;
  strategies: Array<{ tag: string; strategy: string; capital: number }>;
}

/** An operator's action on one strategy, in the node journal (the strategy's journal has its own line). */
interface NodeControlLine {
  e: 'control';
  t: number;
  tag: string;
  action: string;
  by: string;
  ok: boolean;
  outcome: string;
}

/** An order placed outside Pounce (or a bracket leg, which carries no client id), as last reported. */
interface NodeExternalLine {
  e: 'external';
  t: number;
  order: Order;
}

/** An order a strategy journaled, for the day-trade count a resume rebuilds. */
interface JournaledTrade {
  key: string;
  symbol: string;
  side: OrderAction;
  /** Venue time: of its first journaled fill, else of its intent. */
  t: number;
  filled: boolean;
}

/**
 * The orders of one strategy's journal that count toward day trades: each filled order at its
 * first fill's venue time, and each sent order still working (neither refused, nor ended unfilled).
 */
function journaledTrades(entries: readonly JournalEntry[], j: JournalState): JournaledTrade[] {
  const cidOf = new Map<string, string>();
  for (const [cid, i] of j.intents) if (i.orderId !== undefined) cidOf.set(i.orderId, cid);
  for (const o of j.orders.values()) if (o.userMark) cidOf.set(o.id, o.userMark);
  const out = new Map<string, JournaledTrade>();
  for (const f of j.fills.values()) {
    const key = dayTradeKey(cidOf.get(f.orderId), f.orderId);
    const seen = out.get(key);
    if (!seen || f.time < seen.t) out.set(key, { key, symbol: f.symbol, side: f.action, t: f.time, filled: true });
  }
  for (const e of entries) {
    if (e.e !== 'intent' || out.has(e.cid)) continue;
    const i = j.intents.get(e.cid);
    const order = i?.orderId !== undefined ? j.orders.get(i.orderId) : undefined;
    if (i?.rejected !== undefined || (order && isTerminal(order.status))) continue;
    out.set(e.cid, { key: e.cid, symbol: e.req.symbol, side: e.req.action, t: e.vt ?? e.t, filled: false });
  }
  return [...out.values()];
}

function readNodeJournal(nodeDir: string): Array<Partial<NodeStartLine> | Partial<NodeControlLine> | Partial<NodeExternalLine>> {
  const path = join(nodeDir, 'node.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).flatMap((line) => {
    try {
      return [JSON.parse(line) as Partial<NodeStartLine> | Partial<NodeControlLine> | Partial<NodeExternalLine>];
    } catch {
      return []; // a torn last line after a crash
    }
  });
}

/** Reads the capital each strategy's book started with from a node journal. */
export function readNodeCapital(nodeDir: string): Map<string, number> {
  return capitalOf(readNodeJournal(nodeDir));
}

function capitalOf(lines: ReturnType<typeof readNodeJournal>): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of lines) if (e.e === 'node') for (const s of (e as Partial<NodeStartLine>).strategies ?? []) out.set(s.tag, s.capital);
  return out;
}

/** The strategies an operator stopped (`ctl stop`) and did not start again: a resume keeps them stopped. */
export function readNodeStopped(nodeDir: string): Set<string> {
  const out = new Set<string>();
  for (const e of readNodeJournal(nodeDir)) {
    if (e.e !== 'control' || !e.ok || e.tag === undefined) continue;
    const c = e as NodeControlLine;
    if (c.action === 'stop') out.add(c.tag);
    if (c.action === 'start') out.delete(c.tag);
  }
  return out;
}

/**
 * Many strategies on one account through one venue connection (issue 16): each strategy runs in
 * its own TradingEngine on a `StrategyVenue`, a view of the shared venue that sees only the
 * orders and fills carrying its tag and keeps its own book; an account-wide risk check sits in
 * front of every order. One journal per strategy (`strategies/<tag>/journal.jsonl`) plus the
 * node's (`node.jsonl`); `resume` reconciles every strategy.
 *
 * @example
 * ```ts
 * const node = await TradingNode.start({ venue, nodeDir: '.pounce/nodes/demo', strategies: [
 *   { tag: 'fast', def: smaCross, rawParams: { fast: 3, slow: 8 }, symbols: ['NVDA'] },
 *   { tag: 'slow', def: smaCross, rawParams: { fast: 5, slow: 20 }, symbols: ['ORCL'] },
 * ] });
 * const summary = await node.stop();
 * ```
 */
export class TradingNode {
  readonly engines = new Map<string, TradingEngine>();
  /** The tag of a strategy whose engine was started or stopped (`engines` changed): watchers read `engines` again. */
  readonly engineChanged$ = new Subject<string>();
  readonly views = new Map<string, StrategyVenue>();
  readonly router: VenueRouter;
  readonly accountRisk: AccountRisk;
  private readonly prices = new Map<string, number>();
  private accountEquity: number | undefined;
  private readonly subs: Subscription[] = [];
  private readonly journalPath: string;
  private journalFd: number | undefined;
  private readonly lock: RunDirLock;
  private readonly log: Logger;
  private stopped: Promise<NodeSummary> | undefined;
  private readonly capitals = new Map<string, number>();
  /** Strategies stopped by an operator: their last summary (none when stopped before this process). */
  private readonly stoppedByOperator = new Map<string, (RunSummary & { tag: string }) | undefined>();
  /** Operator actions run one at a time: a stop and a start of one strategy never interleave. */
  private controlQueue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly o: NodeOptions) {
    const tags = new Set<string>();
    for (const s of o.strategies) {
      checkOrderTag(s.tag);
      if (tags.has(s.tag)) throw new Error(`strategies: tag "${s.tag}" is used twice; each strategy needs its own tag`);
      tags.add(s.tag);
    }
    this.log = o.logger?.('node') ?? silentLogger;
    this.lock = o.lock ?? RunDirLock.acquire(o.nodeDir, { takeOverStale: o.resume === true });
    this.journalPath = join(o.nodeDir, 'node.jsonl');
    // Every order of the account reaches the day-trade count first: bracket legs and orders it did not send too.
    this.router = new VenueRouter(o.venue, this.log, (order) => this.accountRisk.orderSeen(order));
    const session = new SessionDay('America/New_York');
    this.accountRisk = new AccountRisk(o.account ?? {}, {
      grossExposure: () => [...this.views.values()].reduce((g, v) => g + v.book.grossExposure(), 0),
      equity: () => this.accountEquity,
      price: (s) => this.prices.get(s),
      now: () => o.venue.now(),
      day: () => session.of(o.venue.now()),
    });
  }

  static async start(o: NodeOptions): Promise<TradingNode> {
    const node = new TradingNode(o);
    try {
      await node.begin();
    } catch (e) {
      await node.stop().catch(() => undefined);
      throw e;
    }
    return node;
  }

  private append(entry: Record<string, unknown>): void {
    if (this.journalFd === undefined) return;
    appendFileSync(this.journalFd, JSON.stringify(entry) + '\n');
    if (this.o.fsync) fsyncSync(this.journalFd);
  }

  private async begin(): Promise<void> {
    const { venue, nodeDir } = this.o;
    const prior = readNodeJournal(nodeDir);
    // A node folder holds one node: continued by a resume, never started again as a second one
    // (its node lines could then name two accounts, and its strategies' journals two runs).
    if (!this.o.resume && prior.some((e) => e.e === 'node')) throw new Error(`node folder ${nodeDir} already holds a node; resume it, or start the new node in another folder`);
    if (this.o.resume) {
      // Checked before anything starts: a strategy added since the last run must not trade on
      // another account while an older one's engine refuses it (see TradingEngine's own check).
      const was = prior.find((e): e is Partial<NodeStartLine> => e.e === 'node' && typeof (e as Partial<NodeStartLine>).account === 'string')?.account;
      refuseOtherAccount('node', was, venue.account);
    }
    mkdirSync(join(nodeDir, 'strategies'), { recursive: true });
    const priorCapital = this.o.resume ? capitalOf(prior) : new Map<string, number>();
    this.journalFd = openSync(this.journalPath, 'a');
    // One connection for every strategy; the router subscribes before any strategy can place an order.
    await venue.start();
    this.router.start();
    this.subs.push(
      venue.assets$.subscribe({ next: (a) => ((this.accountEquity = a.netLiquidation), this.accountRisk.onMark()), error: () => undefined }),
      this.router.external$.subscribe((order) => this.append({ t: Date.now(), e: 'external', order } satisfies NodeExternalLine)),
    );
    const assets = await venue.assets();
    this.accountEquity = assets.netLiquidation;
    const capitals = this.o.strategies.map((s) => priorCapital.get(s.tag) ?? s.capital ?? assets.cashBalance);
    if (this.o.resume) this.append({ t: Date.now(), e: 'note', text: 'resumed' });
    const fresh = this.o.strategies.filter((s) => !priorCapital.has(s.tag));
    if (fresh.length > 0) {
      this.append({ t: Date.now(), e: 'node', venue: venue.kind, account: venue.account, strategies: this.o.strategies.map((s, k) => ({ tag: s.tag, strategy: s.def.name, capital: capitals[k]! })).filter((s) => fresh.some((f) => f.tag === s.tag)) } satisfies NodeStartLine);
    }
    const stoppedBefore = this.o.resume ? readNodeStopped(nodeDir) : new Set<string>();
    if (this.o.resume) this.learnJournaledOrders();
    for (const [k, s] of this.o.strategies.entries()) {
      this.capitals.set(s.tag, capitals[k]!);
      if (stoppedBefore.has(s.tag)) {
        // Stopped by an operator before the resume: it stays stopped until `ctl start`.
        this.stoppedByOperator.set(s.tag, undefined);
        this.log.warn('strategy stays stopped (stopped by an operator before the resume); pounce ctl start starts it', { tag: s.tag });
        continue;
      }
      await this.startStrategy(s, this.o.resume === true && priorCapital.has(s.tag));
    }
    // Orders on the account that are not Pounce's are listed once at start (then as they change).
    for (const ord of await venue.openOrders()) this.router.noteOrder(ord);
  }

  /**
   * Teaches the router the order ids every strategy journaled, before any reconciles: a resumed
   * strategy's reconciliation then attributes the account's fills without asking the venue about
   * each order (one lookup per order made a resume after a busy day take minutes).
   */
  private learnJournaledOrders(): void {
    const trades: JournaledTrade[] = [];
    for (const s of this.o.strategies) {
      const runDir = join(this.o.nodeDir, 'strategies', s.tag);
      if (!existsSync(join(runDir, 'journal.jsonl'))) continue;
      const entries = OrderJournal.read(runDir);
      const j = replayJournal(entries);
      // Known from the journal, not known to be working: reconciliation's open orders pin those that are.
      for (const id of j.orders.keys()) this.router.learn(id, s.tag, false);
      for (const i of j.intents.values()) if (i.orderId !== undefined) this.router.learn(i.orderId, s.tag, false);
      trades.push(...journaledTrades(entries, j));
    }
    // Orders the node did not send that filled (bracket legs, orders placed outside Pounce): node.jsonl.
    for (const e of readNodeJournal(this.o.nodeDir)) {
      const o = e.e === 'external' ? (e as Partial<NodeExternalLine>).order : undefined;
      if (o && o.filledQuantity > 0) trades.push({ key: dayTradeKey(o.userMark, o.id), symbol: o.symbol, side: o.action, t: o.updateTime, filled: true });
    }
    // The pattern-day-trader count was in memory only: rebuilt in venue-time order, as it was counted.
    trades.sort((a, b) => a.t - b.t);
    for (const x of trades) this.accountRisk.learnJournaled(x.key, x.symbol, x.side, x.t, x.filled);
  }

  /** Starts one strategy's engine on a fresh view of the shared venue; `resume` continues its journal. */
  private async startStrategy(s: NodeStrategy, resume: boolean): Promise<TradingEngine> {
    const fees = this.o.fees ?? tieredFees();
    this.router.detach(s.tag);
    const view = new StrategyVenue(this.o.venue, this.router, { tag: s.tag, capital: this.capitals.get(s.tag)!, fees, accountRisk: this.accountRisk, onPrice: (sym, p) => this.prices.set(sym, p) });
    this.views.set(s.tag, view);
    const runDir = join(this.o.nodeDir, 'strategies', s.tag);
    const engine = await TradingEngine.start({
      def: s.def, rawParams: s.rawParams, symbols: s.symbols, venue: view, runDir, orderTag: s.tag,
      // A strategy added to the config since the node last ran starts fresh within the resumed node.
      resume: resume && existsSync(join(runDir, 'journal.jsonl')),
      risk: s.risk, fees, logger: this.o.logger?.(s.tag), onStrategyError: s.onStrategyError, captureProcessErrors: false,
      marketJournal: this.o.marketJournal, venueModel: this.o.venueModel, fsync: this.o.fsync, unknownOutcomeWindowMs: this.o.unknownOutcomeWindowMs,
    });
    this.engines.set(s.tag, engine);
    this.engineChanged$.next(s.tag);
    return engine;
  }

  /**
   * An operator's action on one strategy (see `StrategyAction`), journaled in node.jsonl and in the
   * strategy's journal with who asked and how it ended. Actions run one at a time.
   */
  control(action: StrategyAction, tag: string, by: ControlSource): Promise<ControlOutcome> {
    // A failed action (a stop whose engine throws) is answered and journaled like any other outcome.
    const run = this.controlQueue.then(() => this.carryOut(action, tag, by)).catch((e: unknown): ControlOutcome => ({ ok: false, text: `${action} failed: ${e instanceof Error ? e.message : String(e)}` }));
    this.controlQueue = run;
    return run.then((r) => {
      this.append({ t: Date.now(), e: 'control', tag, action, by, ok: r.ok, outcome: r.text } satisfies NodeControlLine);
      return r;
    });
  }

  /** Journals a control request refused before it named an action (a wrong token): who tried, and why not. */
  noteRefusedControl(by: ControlSource, why: string): void {
    this.append({ t: Date.now(), e: 'control-refused', by, why });
  }

  private async carryOut(action: StrategyAction, tag: string, by: ControlSource): Promise<ControlOutcome> {
    const def = this.o.strategies.find((s) => s.tag === tag);
    if (!def) return { ok: false, text: `no strategy "${tag}" in this node (${this.o.strategies.map((s) => s.tag).join(', ')})` };
    if (this.stopped) return { ok: false, text: 'the node is stopping' };
    const engine = this.engines.get(tag);
    if (action === 'start') {
      if (engine) return { ok: false, text: `${tag} is already running` };
      try {
        const started = await this.startStrategy(def, true);
        this.stoppedByOperator.delete(tag);
        this.stoppedCounts.delete(tag);
        started.journal.append({ t: Date.now(), e: 'control', action, by, ok: true, outcome: 'started again, resumed from its journal' });
        return { ok: true, text: 'started again, resumed from its journal' };
      } catch (e) {
        return { ok: false, text: `start failed: ${(e as Error).message}` };
      }
    }
    if (!engine) return { ok: false, text: `${tag} is stopped (pounce ctl start ${tag} starts it)` };
    if (action !== 'stop') return controlEngine(engine, action, by);
    const cancelled = await controlEngine(engine, 'cancel', by);
    engine.journal.append({ t: Date.now(), e: 'control', action: 'stop', by, ok: true, outcome: 'stopping; positions kept' });
    this.engines.delete(tag);
    this.engineChanged$.next(tag);
    const summary = await engine.stop();
    this.stoppedByOperator.set(tag, { tag, ...summary });
    const held = summary.positions.map((p) => `${p.symbol} ${p.quantity}`).join(', ');
    return { ok: true, text: `stopped: ${cancelled.text}; positions kept: ${held || 'none'}` };
  }

  /** Lookups of unknown outcomes under way in any strategy (a lockstep replay holds its clock meanwhile). */
  get lookupsInProgress(): number {
    let n = 0;
    for (const e of this.engines.values()) n += e.execution.lookupsInProgress;
    return n;
  }

  status(): NodeStatus {
    const strategies: NodeStatus['strategies'] = [];
    for (const s of this.o.strategies) {
      const engine = this.engines.get(s.tag);
      if (engine) {
        const st = engine.status();
        strategies.push({ tag: s.tag, strategy: s.def.name, state: st.paused ? 'paused' : 'running', ...st });
      } else if (this.stoppedByOperator.has(s.tag)) {
        strategies.push({ ...(this.stoppedByOperator.get(s.tag) ?? neverStarted(this.views.get(s.tag)?.book.equity() ?? 0, this.journaledOfStopped(s.tag))), tag: s.tag, strategy: s.def.name, state: 'stopped' });
      }
    }
    return {
      strategies,
      account: {
        equity: this.accountEquity, grossExposure: [...this.views.values()].reduce((g, v) => g + v.book.grossExposure(), 0), risk: this.accountRisk.usage(),
        halted: this.accountRisk.halted, externalOrders: [...this.router.externalOrders.values()], heldFills: this.router.heldFills,
      },
    };
  }

  /** A strategy's journal counts while it stays stopped from before this process (read once: nothing writes its journal meanwhile). */
  private journaledOfStopped(tag: string): JournalCounts {
    let counts = this.stoppedCounts.get(tag);
    if (counts === undefined) {
      // No journal reads as no entries: zeros.
      counts = journalCounts(OrderJournal.read(join(this.o.nodeDir, 'strategies', tag)));
      this.stoppedCounts.set(tag, counts);
    }
    return counts;
  }

  private readonly stoppedCounts = new Map<string, JournalCounts>();

  /** Stops every strategy (each settles with the venue and closes its journal), then the connection. */
  stop(): Promise<NodeSummary> {
    this.stopped ??= (async () => {
      // Wait for an operator action under way (a start must not race the stop).
      await this.controlQueue;
      const summaries: Array<RunSummary & { tag: string }> = [];
      for (const s of this.stoppedByOperator.values()) if (s) summaries.push(s);
      for (const [tag, e] of this.engines) {
        try {
          summaries.push({ tag, ...(await e.stop()) });
        } catch (err) {
          this.log.error('strategy stop failed', { tag, error: (err as Error).message });
        }
      }
      const status = this.status();
      for (const s of this.subs) s.unsubscribe();
      this.router.stop();
      await this.o.venue.stop().catch((e: Error) => this.log.warn('venue stop failed', { error: e.message }));
      this.append({ t: Date.now(), e: 'stopped', strategies: summaries.map((s) => ({ tag: s.tag, fills: s.fills, orders: s.orders, pnl: s.pnl })), externalOrders: status.account.externalOrders.length });
      if (this.journalFd !== undefined) closeSync(this.journalFd);
      this.journalFd = undefined;
      this.lock.release();
      return { ...status, summaries };
    })();
    return this.stopped;
  }
}

/**
 * The status of a strategy stopped by an operator before this process started: nothing measured
 * since, its counts from its journal (as a running strategy's are).
 */
function neverStarted(equity: number, counts: JournalCounts): RunStatus {
  return {
    positions: [], equity, pnl: 0, openOrders: 0, pending: 0, ...counts, connection: 'stopped',
    halted: undefined, haltCause: undefined, paused: undefined, strategyErrors: 0, lastStrategyError: undefined, venueTime: 0,
  };
}
