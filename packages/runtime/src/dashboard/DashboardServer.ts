import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Subscription } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Bar, Fill, Order } from '@pounce/core';
import type { TradingEngine } from '../TradingEngine.ts';
import type { Venue } from '../venue/Venue.ts';
import { dashboardPage } from './dashboardPage.ts';

export interface DashboardOptions {
  engine: TradingEngine;
  venue: Venue;
  /** Called when a user confirms the kill switch on the page. */
  onKill: () => void;
  port?: number;
  /** How often updates are sent, ms. */
  intervalMs?: number;
  /** A client with more than this many bytes unsent gets no update until it drains (it is dropped, not queued). */
  maxBufferedBytes?: number;
}

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
  readonly token = randomBytes(16).toString('hex');
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

  private constructor(private readonly o: DashboardOptions) {}

  static async start(o: DashboardOptions): Promise<DashboardServer> {
    const d = new DashboardServer(o);
    await d.listen();
    return d;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  private authorized(req: IncomingMessage): boolean {
    const given = Buffer.from(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? '');
    const want = Buffer.from(this.token);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      if (!this.authorized(req)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong or missing token: use the URL printed by the run');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(dashboardPage());
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
      this.server.once('error', reject);
      this.server.listen(this.o.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    const { engine, venue } = this.o;
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

  private onBar(b: Bar): void {
    let list = this.bars.get(b.symbol);
    if (!list) this.bars.set(b.symbol, (list = []));
    list.push(b);
    if (list.length > MAX_BARS) list.shift();
  }

  private snapshot(): Record<string, unknown> {
    const s = this.o.engine.status();
    this.equity.push([s.venueTime, s.equity]);
    if (this.equity.length > 2000) this.equity.shift();
    const open = [...this.orders.values()].filter((o) => ['Initial', 'Submitted', 'PendingSubmit', 'PendingCancel'].includes(o.status));
    return {
      type: 'state', seq: ++this.seq, strategy: this.o.engine.strategyName, status: s, symbols: this.o.engine.symbols, bars: Object.fromEntries(this.bars), fills: this.fills.slice(-200),
      fillCount: s.fills, openOrders: open, equity: this.equity, risk: this.riskUsage(s.positions),
    };
  }

  private riskUsage(positions: ReadonlyArray<{ quantity: number }>): Array<{ limit: string; used: number; max: number }> {
    const usage = this.o.engine.risk.usage();
    const maxPos = this.o.engine.risk.limits.maxPositionPerSymbol;
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
      if (msg.type === 'kill') this.o.onKill();
    });
    ws.on('close', () => this.dropped.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.send(JSON.stringify(this.snapshot()));
  }

  private broadcast(): void {
    if (this.wss.clients.size === 0) return;
    // One serialization for every client; a client still holding unsent data is skipped.
    const text = JSON.stringify(this.snapshot());
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
