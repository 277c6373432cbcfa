import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { silentLogger, type Logger, type Order } from '@pounce/core';
import { SessionDay, tieredFees, type FeeModel } from '@pounce/matching';
import { checkOrderTag } from '../execution/clientOrderId.ts';
import type { RunVenueModel } from '../journal/OrderJournal.ts';
import { RunDirLock } from '../journal/RunDirLock.ts';
import type { RiskLimits } from '../risk/RiskLimits.ts';
import type { StrategyDefinition } from '../strategy/types.ts';
import { TradingEngine, type RunStatus, type RunSummary, type StrategyErrorPolicy } from '../TradingEngine.ts';
import { AccountRisk, type AccountLimits } from './AccountRisk.ts';
import { StrategyVenue } from './StrategyVenue.ts';
import { VenueRouter, type RoutableVenue } from './VenueRouter.ts';

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

export interface NodeStatus {
  strategies: Array<RunStatus & { tag: string; strategy: string }>;
  account: {
    /** The venue's net liquidation, as last reported. */
    equity: number | undefined;
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

/** Reads the capital each strategy's book started with from a node journal. */
export function readNodeCapital(nodeDir: string): Map<string, number> {
  const path = join(nodeDir, 'node.jsonl');
  const out = new Map<string, number>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let e: Partial<NodeStartLine>;
    try {
      e = JSON.parse(line) as Partial<NodeStartLine>;
    } catch {
      continue; // a torn last line after a crash
    }
    if (e.e === 'node') for (const s of e.strategies ?? []) out.set(s.tag, s.capital);
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
    this.router = new VenueRouter(o.venue, this.log);
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
    mkdirSync(join(nodeDir, 'strategies'), { recursive: true });
    const priorCapital = this.o.resume ? readNodeCapital(nodeDir) : new Map<string, number>();
    this.journalFd = openSync(this.journalPath, 'a');
    // One connection for every strategy; the router subscribes before any strategy can place an order.
    await venue.start();
    this.router.start();
    this.subs.push(
      venue.assets$.subscribe({ next: (a) => ((this.accountEquity = a.netLiquidation), this.accountRisk.onMark()), error: () => undefined }),
      this.router.external$.subscribe((order) => this.append({ t: Date.now(), e: 'external', order })),
    );
    const assets = await venue.assets();
    this.accountEquity = assets.netLiquidation;
    const capitals = this.o.strategies.map((s) => priorCapital.get(s.tag) ?? s.capital ?? assets.cashBalance);
    if (this.o.resume) this.append({ t: Date.now(), e: 'note', text: 'resumed' });
    const fresh = this.o.strategies.filter((s) => !priorCapital.has(s.tag));
    if (fresh.length > 0) {
      this.append({ t: Date.now(), e: 'node', venue: venue.kind, account: venue.account, strategies: this.o.strategies.map((s, k) => ({ tag: s.tag, strategy: s.def.name, capital: capitals[k]! })).filter((s) => fresh.some((f) => f.tag === s.tag)) } satisfies NodeStartLine);
    }
    const fees = this.o.fees ?? tieredFees();
    for (const [k, s] of this.o.strategies.entries()) {
      const view = new StrategyVenue(venue, this.router, { tag: s.tag, capital: capitals[k]!, fees, accountRisk: this.accountRisk, onPrice: (sym, p) => this.prices.set(sym, p) });
      this.views.set(s.tag, view);
      const runDir = join(nodeDir, 'strategies', s.tag);
      const engine = await TradingEngine.start({
        def: s.def, rawParams: s.rawParams, symbols: s.symbols, venue: view, runDir, orderTag: s.tag,
        // A strategy added to the config since the node last ran starts fresh within the resumed node.
        resume: this.o.resume === true && priorCapital.has(s.tag) && existsSync(join(runDir, 'journal.jsonl')),
        risk: s.risk, fees, logger: this.o.logger?.(s.tag), onStrategyError: s.onStrategyError, captureProcessErrors: false,
        marketJournal: this.o.marketJournal, venueModel: this.o.venueModel, fsync: this.o.fsync, unknownOutcomeWindowMs: this.o.unknownOutcomeWindowMs,
      });
      this.engines.set(s.tag, engine);
    }
    // Orders on the account that are not Pounce's are listed once at start (then as they change).
    for (const ord of await venue.openOrders()) this.router.noteOrder(ord);
  }

  /** Lookups of unknown outcomes under way in any strategy (a lockstep replay holds its clock meanwhile). */
  get lookupsInProgress(): number {
    let n = 0;
    for (const e of this.engines.values()) n += e.execution.lookupsInProgress;
    return n;
  }

  status(): NodeStatus {
    return {
      strategies: [...this.engines].map(([tag, e]) => ({ tag, strategy: e.strategyName, ...e.status() })),
      account: { equity: this.accountEquity, halted: this.accountRisk.halted, externalOrders: [...this.router.externalOrders.values()], heldFills: this.router.heldFills },
    };
  }

  /** Stops every strategy (each settles with the venue and closes its journal), then the connection. */
  stop(): Promise<NodeSummary> {
    this.stopped ??= (async () => {
      const summaries: Array<RunSummary & { tag: string }> = [];
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
