import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataType, loadConfig, silentLogger, type Bar, type Logger, type PushDataMsg } from '@pounce/core';
import { MatchingEngine, type EngineEvent, type EngineOrder, type MatchingConfig } from '@pounce/matching';
import { GatewayHttpServer, type HttpFaults, type MethodHandler } from './http/GatewayHttpServer.ts';
import { quoteMethods, quoteSpread } from './methods/quoteMethods.ts';
import { tradeMethods, type TradeDesk } from './methods/tradeMethods.ts';
import { assetPush, orderStatusPush, positionPush, transactionPush } from './methods/wireShapes.ts';
import { PushServer, QUOTE_LIMIT, type PushFaults } from './push/PushServer.ts';
import { QuotePermissionDesk } from './session/QuotePermissionDesk.ts';
import { TokenDesk } from './session/TokenDesk.ts';
import { gardenAnswer } from './http/discovery.ts';
import { scalePushQuantity } from './methods/quantityScale.ts';
import { GatewayError } from './http/GatewayError.ts';
import { MarketReplay } from '@pounce/matching';
import { ReplayClock } from './replay/ReplayClock.ts';
import { dataTimeframe } from './replay/replayKlines.ts';
import { marketOf, shippedCalendar, type Market, type Timeframe } from '@pounce/calendar';
import { CommandLog, type GatewayCommand } from './state/CommandLog.ts';
import { ensureGatewayIdentity, writeClientConfig, type GatewayIdentity } from './state/GatewayState.ts';

export interface GatewayOptions {
  /** Keys, certificate, client config and command log live here. */
  stateDir: string;
  /** Bars to replay (all symbols). */
  bars: readonly Bar[];
  httpPort?: number;
  pushPort?: number;
  /** Replay pace: bars per second, `max` (as fast as possible), or `manual` (tests call `advance`). */
  speed?: number | 'max' | 'manual';
  matching?: MatchingConfig;
  /** Extra client configs whose tiger_id and public key are registered (e.g. the sample fixture). */
  clientConfigs?: string[];
  /** tiger_id and paper account of the generated local client. */
  tigerId?: string;
  account?: string;
  /** Enforce the service's per-method rate limits. */
  rateLimit?: boolean;
  /** Rebuild state from the command log in stateDir instead of starting fresh. */
  resume?: boolean;
  /**
   * When the timed replay starts: `now` (default), or `first-subscribe`: when the first client
   * subscribes to market data, so a strategy connecting later does not miss the start of the data.
   */
  startReplay?: 'now' | 'first-subscribe';
  /** Called once when the timed replay starts. */
  onReplayStart?: () => void;
  /**
   * Dates `trading_calendar` reports closed although the shipped calendar has a session on them:
   * an unforeseen closure (a typhoon) as the service announces it. For tests of the broker's
   * calendar; the replayed bars must have none on those dates (the service trades no closed day).
   */
  closures?: ReadonlyArray<{ market: Market; date: string }>;
  logger?: Logger;
}

/** Switches for failure tests, flipped at run time. */
export interface GatewayFaults extends HttpFaults, PushFaults {}

export const DEFAULT_TIGER_ID = '20260001';

/** The paper account a registered client's tiger_id also owns: the tiger_id, zeros, then 1, 17 digits (20150001 → 20150001000000001). */
export const paperAccountOf = (tigerId: string): string => tigerId + '1'.padStart(17 - tigerId.length, '0');
const DAY_MS = 86_400_000;
export const DEFAULT_PAPER_ACCOUNT = '20260101000000001';

/** The closures as `market date` keys; refuses a closure on a date the replayed bars trade. */
function closedDates(closures: ReadonlyArray<{ market: Market; date: string }>, bars: readonly Bar[]): ReadonlySet<string> {
  const closed = new Set(closures.map((c) => `${c.market} ${c.date}`));
  if (closed.size === 0) return closed;
  for (const b of bars) {
    const market = marketOf(b.symbol);
    const date = shippedCalendar(market).dateOf(b.time);
    if (closed.has(`${market} ${date}`)) throw new Error(`closures: ${market} ${date} is closed, yet the data has a bar of ${b.symbol} on it`);
  }
  return closed;
}

/**
 * The local OpenAPI gateway: signed HTTP + TLS push over the deterministic matching engine and
 * a market replay. Real servers on loopback; what the embedded `--paper` mode and every
 * integration test talk to.
 *
 * @example
 * ```ts
 * const gw = await Gateway.start({ stateDir: '.pounce/gateway', bars, speed: 20 });
 * const cfg = loadConfig({ path: gw.clientConfigPath });
 * // ... use OpenApiClient / PushClient with cfg ...
 * await gw.stop();
 * ```
 */
export class Gateway {
  readonly faults: GatewayFaults = {
    replyDelayMs: 0, rateLimitNext: 0, refuseHttp: false, refusePush: false, duplicateTradePushes: false, reorderTradePushes: false, loseReplyOf: new Set(), delayReplyOf: new Map(),
    unsignedReplies: 'none', orderStatusWire: 'canonical', refuseOrdersInside: 0, placeOrderIdKey: 'order_id', placeAfterLookups: 0,
    discovery: 'up', license: 'TBUS', quantityScale: 0, quoteLimit: QUOTE_LIMIT, pushDataCode: 0,
  };
  /** Who holds each tiger_id's quote permission (off until `permissions.giveTo`). */
  readonly permissions = new QuotePermissionDesk();
  /** TBHK token checks (off until `tokens.required = true`). */
  readonly tokens = new TokenDesk();
  /** tiger_id -> the accounts it may trade and query. */
  private readonly owners = new Map<string, Set<string>>();
  readonly engine: MatchingEngine;
  readonly replay: MarketReplay;
  /** Replay time as a Clock whose sleeps end when the replay moves on (for the client's rate limiter). */
  readonly clock: ReplayClock;
  readonly tigerId: string;
  readonly account: string;
  /** The replayed data's own period (`1d` for daily files): daily bars are never pushed as klines. */
  readonly dataTimeframe: Timeframe;
  private readonly lastBarTime: number;
  /** `market date` of each closure (GatewayOptions.closures). */
  private readonly closed: ReadonlySet<string>;
  private expired = false;
  private http!: GatewayHttpServer;
  private push!: PushServer;
  private readonly identity: GatewayIdentity;
  private readonly clients = new Map<string, KeyObject>();
  private readonly log: CommandLog;
  private readonly logger: Logger;
  /** Cancels the pending replay tick (a timeout, or an immediate at max speed). */
  private cancelTick: () => void = () => undefined;
  private lastCheckpoint = 0;
  httpPort = 0;
  pushPort = 0;
  clientConfigPath = '';

  private constructor(private readonly o: GatewayOptions) {
    this.logger = o.logger ?? silentLogger;
    this.identity = ensureGatewayIdentity(o.stateDir);
    this.tigerId = o.tigerId ?? DEFAULT_TIGER_ID;
    this.account = o.account ?? DEFAULT_PAPER_ACCOUNT;
    this.clients.set(this.tigerId, createPublicKey(this.identity.clientKey));
    this.grantAccount(this.tigerId, this.account);
    for (const path of o.clientConfigs ?? []) {
      const cfg = loadConfig({ path, env: {} });
      this.clients.set(cfg.tigerId, createPublicKey(cfg.privateKey));
      this.grantAccount(cfg.tigerId, cfg.account);
      this.grantAccount(cfg.tigerId, paperAccountOf(cfg.tigerId));
    }
    this.engine = new MatchingEngine(o.matching);
    this.replay = new MarketReplay(o.bars);
    this.dataTimeframe = dataTimeframe(o.bars);
    this.closed = closedDates(o.closures ?? [], o.bars);
    this.lastBarTime = o.bars.reduce((m, b) => Math.max(m, b.time), -Infinity);
    this.clock = new ReplayClock(() => this.replay.now(), () => this.finished);
    this.log = new CommandLog(join(o.stateDir, 'commands.jsonl'), !o.resume);
    if (o.resume) this.recover();
  }

  static async start(o: GatewayOptions): Promise<Gateway> {
    const gw = new Gateway(o);
    await gw.listen(o.httpPort ?? 0, o.pushPort ?? 0);
    if (o.startReplay !== 'first-subscribe') gw.startReplay();
    return gw;
  }

  /** Lets `tigerId` trade and query `account` (an account answers only to its tiger_id). */
  grantAccount(tigerId: string, account: string): void {
    let set = this.owners.get(tigerId);
    if (!set) this.owners.set(tigerId, (set = new Set()));
    set.add(account);
  }

  /** The requests answered so far (path and method), for routing tests. */
  get requests(): readonly { path: string; method: string }[] {
    return this.http.requests;
  }

  private replayStarted = false;

  /** Starts the timed replay once (see `GatewayOptions.startReplay`). */
  private startReplay(): void {
    if (this.replayStarted) return;
    this.replayStarted = true;
    this.resume();
    this.o.onReplayStart?.();
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}/gateway`;
  }

  private async listen(httpPort: number, pushPort: number): Promise<void> {
    const handlers = new Map<string, MethodHandler>();
    const desk = this.desk();
    for (const [name, h] of Object.entries(quoteMethods)) handlers.set(name, (biz) => h(biz, { replay: this.replay, data: this.dataTimeframe, closed: (market, date) => this.closed.has(`${market} ${date}`) }));
    for (const [name, h] of Object.entries(tradeMethods)) {
      handlers.set(name, (biz, tigerId) => {
        const acct = typeof biz.account === 'string' ? biz.account : undefined;
        // The service answers for an account only to its own tiger_id.
        if (acct !== undefined && /^\d+$/.test(acct) && !this.owners.get(tigerId)?.has(acct)) {
          throw new GatewayError(1010, `account ${acct} does not belong to tiger_id ${tigerId}`);
        }
        return h(biz, desk);
      });
    }
    handlers.set('user_license', () => ({ license: this.faults.license }));
    handlers.set('grab_quote_permission', (_b, tigerId, caller) => this.permissions.grab(tigerId, caller.deviceId));
    handlers.set('get_quote_permission', (_b, tigerId, caller) => this.permissions.held(tigerId, caller.deviceId));
    handlers.set('user_token_refresh', (_b, _t, caller) => this.tokens.refresh(caller.authorization));
    this.http = new GatewayHttpServer({
      host: '127.0.0.1', port: httpPort, signingKey: this.identity.signingKey, clients: this.clients, handlers, rateLimit: this.o.rateLimit ?? false, faults: this.faults, logger: this.logger,
      admit: (method, tigerId, caller) => {
        this.tokens.check(caller.authorization);
        this.permissions.check(method, tigerId, caller.deviceId);
      },
      garden: (tradeup) => gardenAnswer(`http://127.0.0.1:${this.httpPort}`, this.pushPort, tradeup),
    });
    this.push = new PushServer({ host: '127.0.0.1', port: pushPort, keyPem: this.identity.tlsKeyPem, certPem: this.identity.tlsCertPem, clients: this.clients, faults: this.faults, logger: this.logger,
      onMarketSubscribe: this.o.startReplay === 'first-subscribe' ? () => this.startReplay() : undefined });
    this.httpPort = await this.http.listen();
    this.pushPort = await this.push.listen();
    this.clientConfigPath = writeClientConfig(this.identity, { tigerId: this.tigerId, account: this.account, httpPort: this.httpPort, pushPort: this.pushPort });
    this.logger.info('gateway listening', { http: this.httpUrl, push: `127.0.0.1:${this.pushPort}`, clientConfig: this.clientConfigPath });
  }

  private desk(): TradeDesk {
    return {
      engine: this.engine,
      now: () => this.replay.now(),
      knownSymbol: (s) => this.replay.has(s),
      place: (req) => this.apply({ c: this.replay.position, k: 'place', req })[0]!,
      placeOca: (reqs) => this.apply({ c: this.replay.position, k: 'place-oca', reqs }),
      cancel: (id) => void this.apply({ c: this.replay.position, k: 'cancel', id }),
      modify: (id, ch) => void this.apply({ c: this.replay.position, k: 'modify', id, ch }),
    };
  }

  /**
   * Runs one command (the engine validates before it records anything), logs it, publishes its
   * events. Returns the order a `place` created.
   */
  private apply(cmd: GatewayCommand, publish = true): readonly Readonly<EngineOrder>[] {
    const now = this.replay.now();
    let events: readonly EngineEvent[];
    let orders: readonly Readonly<EngineOrder>[] = [];
    if (cmd.k === 'place') {
      const r = this.engine.submit(cmd.req, now);
      orders = [r.order];
      // The engine's events start with the Initial the service reports (the backtest's too).
      events = r.events;
    } else if (cmd.k === 'place-oca') {
      const r = this.engine.submitOca(cmd.reqs, now);
      orders = r.orders;
      events = r.events;
    } else if (cmd.k === 'cancel') {
      events = this.engine.cancel(cmd.id, now);
    } else {
      events = this.engine.modify(cmd.id, cmd.ch, now);
    }
    if (publish) {
      this.log.append(cmd);
      this.publishEvents(events);
    }
    return orders;
  }

  private recover(): void {
    const cmds = this.log.read();
    const cursorFile = join(this.o.stateDir, 'replay-cursor');
    const checkpoint = existsSync(cursorFile) ? Number(readFileSync(cursorFile, 'utf8')) || 0 : 0;
    for (const cmd of cmds) {
      while (this.replay.position < cmd.c && this.stepQuietly()) { /* advance */ }
      try {
        this.apply(cmd, false);
      } catch (err) {
        this.logger.warn('recovery: command refused again', { cmd: cmd.k, error: (err as Error).message });
      }
    }
    while (this.replay.position < checkpoint && this.stepQuietly()) { /* advance */ }
    if (this.replay.done) {
      this.engine.expireDayOrders(this.replay.now());
      this.expired = true;
    }
    this.logger.info('gateway state recovered', { commands: cmds.length, replayPosition: this.replay.position });
  }

  private stepQuietly(): boolean {
    const slice = this.replay.step();
    if (!slice) return false;
    for (const bar of slice) this.engine.onBar(bar);
    return true;
  }

  /**
   * The replay is over: the data has run out, and nothing waits on the replay clock for a time
   * within a day of the last bar (its session's close, when a client's daily bar is due).
   */
  get finished(): boolean {
    if (!this.replay.done) return false;
    const due = this.clock.nextDue();
    return due === undefined || due <= this.replay.now() || due > this.lastBarTime + DAY_MS;
  }

  /**
   * Advances the replay by `n` steps. A step moves the clock to the next event: the time a client
   * waits for on the replay clock (a session's close, when its daily bar is due), if that comes
   * first, else the next time slice (match orders, then publish fills, bars and quotes). So
   * replaying daily bars the clock moves a session at a time: the open (its bar), then the close.
   * Called once more when the replay is finished (it then steps nothing and returns 0), it ends
   * the last session: DAY orders still working expire, including those sent in reaction to the
   * last bar.
   */
  advance(n = 1): number {
    let done = 0;
    for (; done < n; done++) {
      const due = this.clock.nextDue();
      const next = this.replay.nextTime();
      if (due !== undefined && due > this.replay.now() && (next === undefined ? due <= this.lastBarTime + DAY_MS : due <= next)) {
        this.replay.advanceTo(due);
        this.clock.fireDue();
        continue;
      }
      const slice = this.replay.step();
      if (!slice) break;
      // The whole slice is matched before anything is published (as in the backtest): every asset
      // push of an instant then carries all of that instant's fills, as its timestamp says.
      const matched = slice.map((bar) => this.engine.onBar(bar));
      for (let j = 0; j < slice.length; j++) {
        this.publishEvents(matched[j]!);
        this.publishBar(slice[j]!);
      }
    }
    if (done === 0 && this.finished && !this.expired) {
      this.expired = true;
      this.publishEvents(this.engine.expireDayOrders(this.replay.now()));
    }
    this.clock.fireDue();
    const now = Date.now();
    if (now - this.lastCheckpoint > 200) {
      this.lastCheckpoint = now;
      writeFileSync(join(this.o.stateDir, 'replay-cursor'), String(this.replay.position));
    }
    return done;
  }

  /** Starts (or restarts) the replay timer at the configured speed. */
  resume(): void {
    const speed = this.o.speed ?? 20;
    this.cancelTick();
    if (speed === 'manual') return;
    const interval = speed === 'max' ? 0 : Math.max(1, Math.round(1000 / speed));
    const schedule = (first: boolean) => {
      if (speed === 'max' && !first) {
        const h = setImmediate(tick);
        this.cancelTick = () => clearImmediate(h);
      } else {
        const h = setTimeout(tick, interval);
        this.cancelTick = () => clearTimeout(h);
      }
    };
    const tick = () => {
      // One more tick once the replay is finished ends the last session (advance then returns 0).
      if (this.advance(speed === 'max' ? 50 : 1) > 0) schedule(false);
    };
    schedule(true);
  }

  pause(): void {
    this.cancelTick();
  }

  private publishBar(bar: Bar): void {
    const t = String(bar.time);
    // Like the service: klines of the minute (here the data's own intraday period), never a daily one.
    if (this.dataTimeframe.kind === 'intraday') this.push.publishSymbol(DataType.Kline, bar.symbol, {
      dataType: DataType.Kline,
      klineData: { symbol: bar.symbol, time: t, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: String(Math.round(bar.volume)), count: 1, amount: bar.close * bar.volume },
    });
    const spread = quoteSpread(bar.close);
    // Depth around the close and one print per bar, so depth$/ticks$ subscribers see the replay too.
    const levels = (side: 1 | -1) => [1, 2, 3, 4, 5].map((i) => Math.round((bar.close + side * (spread / 2 + 0.01 * (i - 1))) * 100) / 100);
    this.push.publishSymbol(DataType.QuoteDepth, bar.symbol, {
      dataType: DataType.QuoteDepth,
      quoteDepthData: { symbol: bar.symbol, timestamp: t, ask: { price: levels(1), volume: ['100', '200', '300', '400', '500'], orderCount: [1, 2, 3, 4, 5] }, bid: { price: levels(-1), volume: ['100', '200', '300', '400', '500'], orderCount: [1, 2, 3, 4, 5] } },
    });
    this.push.publishSymbol(DataType.TradeTick, bar.symbol, {
      dataType: DataType.TradeTick,
      tradeTickData: { symbol: bar.symbol, type: bar.close >= bar.open ? '+' : '-', sn: String(this.replay.position), priceBase: String(Math.round(bar.close * 10_000)), priceOffset: 4, time: [t], price: ['0'], volume: [String(Math.round(bar.volume))], timestamp: t },
    });
    this.push.publishSymbol(DataType.Quote, bar.symbol, {
      dataType: DataType.Quote,
      quoteData: { symbol: bar.symbol, type: 3, timestamp: t, latestPrice: bar.close, latestPriceTimestamp: t, open: bar.open, high: bar.high, low: bar.low, volume: String(Math.round(bar.volume)), bidPrice: bar.close - spread / 2, askPrice: bar.close + spread / 2, bidSize: '100', askSize: '100', marketStatus: 'Trading' },
    });
  }

  private publishEvents(events: readonly EngineEvent[]): void {
    const now = this.replay.now();
    for (const ev of events) {
      let dt: number;
      let body: PushDataMsg;
      let account: string;
      switch (ev.kind) {
        case 'order':
          account = ev.order.account;
          dt = DataType.OrderStatus;
          body = { dataType: DataType.OrderStatus, orderStatusData: orderStatusPush(ev.order, now, this.faults.orderStatusWire) };
          if (this.faults.quantityScale > 0) {
            const d = body.orderStatusData!, sc = this.faults.quantityScale;
            body.orderStatusData = { ...d, totalQuantity: scalePushQuantity(d.totalQuantity, sc), totalQuantityScale: sc, filledQuantity: scalePushQuantity(d.filledQuantity, sc), filledQuantityScale: sc };
          }
          break;
        case 'fill':
          account = ev.fill.account;
          dt = DataType.OrderTransaction;
          body = { dataType: DataType.OrderTransaction, orderTransactionData: transactionPush(ev.fill, now) };
          break;
        case 'position':
          account = ev.position.account;
          dt = DataType.Position;
          body = { dataType: DataType.Position, positionData: positionPush(ev.position, now) };
          if (this.faults.quantityScale > 0) {
            const sc = this.faults.quantityScale;
            body.positionData = { ...body.positionData!, position: scalePushQuantity(body.positionData!.position, sc), positionScale: sc };
          }
          break;
        case 'account':
          account = ev.account;
          dt = DataType.Asset;
          body = { dataType: DataType.Asset, assetData: assetPush(this.engine.summary(ev.account), now) };
          break;
        case 'corporateAction':
          // Its effects arrive as the position, order and asset pushes around it.
          continue;
      }
      this.push.publishAccount(dt as typeof DataType.Asset, account, body);
    }
  }

  /** Drops every push connection now (clients must reconnect and resubscribe). */
  dropPushConnections(): number {
    return this.push.dropAll();
  }

  get pushConnections(): number {
    return this.push.connectionCount;
  }

  /** Push frames written so far to the live connection(s) of `tigerId` (see PushClient.delivery). */
  pushFramesSentTo(tigerId: string): number {
    return this.push.framesSentTo(tigerId);
  }

  async stop(): Promise<void> {
    this.pause();
    writeFileSync(join(this.o.stateDir, 'replay-cursor'), String(this.replay.position));
    await Promise.all([this.http?.close(), this.push?.close()]);
  }
}

