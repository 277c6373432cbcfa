import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Subscription } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Bar, Fill, Order } from '@pounce/core';
import type { TradingEngine, TradingNode, Venue } from '@pounce/runtime';
import { dashboardPage } from './dashboardPage.ts';
import { NodeDashboardView } from './NodeDashboardView.ts';
import { nodeDashboardPage } from './nodeDashboardPage.ts';
import type { ExtraRoutes } from './ops/opsRoutes.ts';
import { hasToken } from './ops/requestToken.ts';

export interface DashboardListenOptions {
  /** Called when a user confirms the kill switch on the page. */
  onKill: () => void;
  /**
   * Called when the server fails after it started listening (its socket errors). A run halts new
   * orders on it: a trader watching a dead page must not believe the strategy is supervised.
   */
  onError?: (err: Error) => void;
  port?: number;
  /** How often updates are sent, ms. */
  intervalMs?: number;
  /** A client with more than this many bytes unsent gets no update until it drains (it is dropped, not queued). */
  maxBufferedBytes?: number;
  /** The token for the page and every route (`--metrics-token-file`); default a random one per run. */
  token?: string;
}

export interface DashboardOptions extends DashboardListenOptions {
  engine: TradingEngine;
  venue: Venue;
}

/** The dashboard's port could not be opened (in use, not allowed): the run must not start. */
export class DashboardPortError extends Error {
  override readonly name = 'DashboardPortError';
}

/** The exchange's time zone: the page shows times in it, naming it. */
const EXCHANGE_ZONE = 'America/New_York';
/** Equity points kept (one per bar); older ones are dropped. */
const MAX_EQUITY_POINTS = 20_000;

const MAX_BARS = 300;
const MAX_FILLS = 500;

/**
 * The live dashboard: a page and a WebSocket on 127.0.0.1 only, both behind a random token. Every
 * `intervalMs` each client gets one update with what changed; a client that cannot keep up is
 * skipped (its updates dropped, never queued), so many or slow clients cannot slow the strategy.
 *
 * @example
 * ```ts
 * const dash = await DashboardServer.start({ engine, venue, onKill: () => stop() });
 * console.log(dash.url);
 * ```
 */
export class DashboardServer {
  readonly token: string;
  private server!: Server;
  private wss!: WebSocketServer;
  private readonly subs: Subscription[] = [];
  private readonly bars = new Map<string, Bar[]>();
  private readonly fills: Fill[] = [];
  private readonly orders = new Map<string, Order>();
  private readonly equity: Array<[number, number]> = [];
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** Updates skipped because a client was behind, per client (observability and tests). */
  readonly dropped = new Map<WebSocket, number>();
  port = 0;

  private engine: TradingEngine | undefined;
  /** Set instead of `engine` for a node: its page lists every strategy with its controls. */
  private nodeView: NodeDashboardView | undefined;
  /** Routes mounted beside the page (`/healthz`, `/metrics`), behind the same token. */
  private extraRoutes: ExtraRoutes | undefined;

  private constructor(private readonly o: DashboardListenOptions) {
    this.token = o.token ?? randomBytes(16).toString('hex');
  }

  /**
   * Opens the port first, before a run touches its venue: a busy port fails the start
   * (`DashboardPortError`), not a run already trading. `attach` then connects it to the run.
   */
  static async listen(o: DashboardListenOptions): Promise<DashboardServer> {
    const d = new DashboardServer(o);
    await d.open();
    return d;
  }

  static async start(o: DashboardOptions): Promise<DashboardServer> {
    const d = await DashboardServer.listen(o);
    d.attach(o.engine, o.venue);
    return d;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  /** `?token=` or `Authorization: Bearer` (a scraper's way). */
  private authorized(req: IncomingMessage): boolean {
    return hasToken(req, this.token);
  }

  /** Serves `routes` beside the page, behind the same token (see `opsRoutes`). */
  mount(routes: ExtraRoutes): void {
    this.extraRoutes = routes;
  }

  private async open(): Promise<void> {
    this.server = createServer((req, res) => {
      if (!this.authorized(req)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong or missing token: use the URL printed by the run');
        return;
      }
      if (this.extraRoutes?.(req, res)) return;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(this.nodeView ? nodeDashboardPage() : dashboardPage());
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
    this.server.on('upgrade', (req, socket, head) => {
      if (!this.authorized(req) || new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/ws') {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onClient(ws));
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (e: NodeJS.ErrnoException) => {
        const port = this.o.port ?? 0;
        reject(new DashboardPortError(e.code === 'EADDRINUSE'
          ? `--dashboard-port ${port}: 127.0.0.1:${port} is already in use (EADDRINUSE); stop what uses it, or pass another port (0 picks a free one)`
          : `--dashboard-port ${port}: cannot listen on 127.0.0.1:${port}: ${e.message}`));
      });
      this.server.listen(this.o.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.server.on('error', (e) => this.o.onError?.(e));
    this.wss.on('error', (e) => this.o.onError?.(e));
  }

  /** Connects the listening server to a started run: its bars, fills, orders and status. */
  attach(engine: TradingEngine, venue: Venue): void {
    this.engine = engine;
    this.subs.push(
      // The strategy's bars (its timeframe's): a daily replay pushes none of its own.
      engine.bars.bars$.subscribe({ next: (b) => this.onBar(b), error: () => undefined }),
      engine.execution.fills$.subscribe((f) => {
        this.fills.push(f);
        if (this.fills.length > MAX_FILLS) this.fills.shift();
      }),
      engine.execution.orders$.subscribe((o) => this.orders.set(o.id || o.userMark, o)),
    );
    this.timer = setInterval(() => this.broadcast(), this.o.intervalMs ?? 250);
  }

  /** Connects the listening server to a started node: every strategy, the account, per-strategy controls. */
  attachNode(node: TradingNode): void {
    this.nodeView = new NodeDashboardView(node);
    this.timer = setInterval(() => this.broadcast(), this.o.intervalMs ?? 250);
  }

  /** The state a page gets: the node's or the run's. */
  private state(): Record<string, unknown> | undefined {
    return this.nodeView ? this.nodeView.snapshot() : this.engine ? this.snapshot(this.engine) : undefined;
  }

  /**
   * One bar: kept for the candles, and one equity point at the bar's time (the engine marked its
   * book with it first, having subscribed before this page), so the equity chart draws the path.
   */
  private onBar(b: Bar): void {
    let list = this.bars.get(b.symbol);
    if (!list) this.bars.set(b.symbol, (list = []));
    list.push(b);
    if (list.length > MAX_BARS) list.shift();
    if (this.engine) {
      this.equity.push([b.time, this.engine.status().equity]);
      if (this.equity.length > MAX_EQUITY_POINTS) this.equity.shift();
    }
  }

  /** Equity points sent so far (one per bar the run received). */
  get equityPoints(): number {
    return this.equity.length;
  }

  private snapshot(engine: TradingEngine): Record<string, unknown> {
    const s = engine.status();
    const open = [...this.orders.values()].filter((o) => ['Initial', 'Submitted', 'PendingSubmit', 'PendingCancel'].includes(o.status));
    return {
      type: 'state', seq: ++this.seq, strategy: engine.strategyName, status: s, symbols: engine.symbols, bars: Object.fromEntries(this.bars), fills: this.fills.slice(-200),
      fillCount: s.fills, openOrders: open, equity: this.equity, zone: EXCHANGE_ZONE, risk: this.riskUsage(engine, s.positions),
    };
  }

  private riskUsage(engine: TradingEngine, positions: ReadonlyArray<{ quantity: number }>): Array<{ limit: string; used: number; max: number }> {
    const usage = engine.risk.usage();
    const maxPos = engine.risk.limits.maxPositionPerSymbol;
    if (maxPos !== undefined) usage.push({ limit: 'largest position', used: Math.max(0, ...positions.map((p) => Math.abs(p.quantity))), max: maxPos });
    return usage;
  }

  private onClient(ws: WebSocket): void {
    this.dropped.set(ws, 0);
    ws.on('message', (data) => {
      let msg: { type?: unknown };
      try {
        msg = JSON.parse(String(data)) as { type?: unknown };
      } catch {
        return;
      }
      const control = this.nodeView && msg !== null && typeof msg === 'object' ? NodeDashboardView.parse(msg as Record<string, unknown>) : undefined;
      // A control that fails is answered as refused, never an unhandled rejection that ends the node.
      if (control) {
        void this.nodeView!.control(control)
          .catch((e: unknown) => ({ type: 'control-result', action: control.action, tag: control.tag, ok: false, text: `${control.action} failed: ${e instanceof Error ? e.message : String(e)}` }))
          .then((r) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(r)));
      }
      else if (msg.type === 'kill' && !this.nodeView) this.o.onKill();
    });
    ws.on('close', () => this.dropped.delete(ws));
    ws.on('error', () => ws.terminate());
    const first = this.state();
    if (first) ws.send(JSON.stringify(first));
  }

  private broadcast(): void {
    const state = this.wss.clients.size === 0 ? undefined : this.state();
    if (!state) return;
    // One serialization for every client; a client still holding unsent data is skipped.
    const text = JSON.stringify(state);
    const max = this.o.maxBufferedBytes ?? 512 * 1024;
    for (const ws of this.wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > max) {
        this.dropped.set(ws, (this.dropped.get(ws) ?? 0) + 1);
        continue;
      }
      ws.send(text);
    }
  }

  /**
   * Stops following the run's streams (call it in the same tick as the engine's stop, so the page
   * and the run's market journal saw the same bars); clients keep getting the status until `stop`.
   */
  stopFollowing(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }

  get clients(): number {
    return this.wss.clients.size;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // A last state so open pages show the final figures.
    this.broadcast();
    for (const s of this.subs) s.unsubscribe();
    for (const ws of this.wss.clients) ws.close(1001, 'run stopped');
    // A client that never reads cannot finish the close handshake: cut it after a grace period.
    await new Promise((r) => setTimeout(r, this.wss.clients.size ? 300 : 0));
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
