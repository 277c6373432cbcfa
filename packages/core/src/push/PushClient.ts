import type { KeyObject } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { BehaviorSubject, filter, map, Observable, Subject, type Subscriber } from 'rxjs';
import type { AccountAssets, Bar, Depth, Fill, Order, Position, Tick } from '../api/models.ts';
import { silentLogger, type Logger } from '../log/Logger.ts';
import { OncePerKeyLog } from '../log/OncePerKeyLog.ts';
import { signWithKey } from '../signing/signContent.ts';
import { Command, DataType, decodeResponse, encodeRequest, PushCode, type DataTypeCode, type PushDataMsg, type PushRequest, type PushResponse } from './pushCodec.ts';
import { assetsFromPush, barFromPush, depthFromPush, fillFromPush, orderFromPush, positionFromPush, quoteFromPush, ticksFromPush, type Quote } from './pushModels.ts';
import { encodeFrame, FrameDecoder } from './varintFrame.ts';
import { isCertificateError, normalizeFingerprint, PushTlsError, readServerCertificate, tlsFailureMessage } from './pushTls.ts';
import { PushKickedOutError, PushRequestError } from './pushErrors.ts';
import { PushQuotaError, quotaFor, parseSubscriptionListing, type SubscriptionListing } from './subscriptionQuota.ts';

export type ConnectionStateName = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'kicked-out';

export interface ConnectionState {
  state: ConnectionStateName;
  /** Number of successful connects so far; >1 means a reconnect happened (reconcile!). */
  sessions: number;
  reason?: string;
}

export interface PushClientOptions {
  tigerId: string;
  privateKey: KeyObject;
  host: string;
  port: number;
  tls?: boolean;
  /** PEM of the CA / self-signed certificate to trust (the local gateway's). */
  caPem?: string;
  /** Accept only the certificate with this SHA-256 fingerprint (config push_cert_sha256). */
  certSha256?: string;
  /** Accept any certificate, warned on every connect (config push_tls_insecure=true). */
  insecure?: boolean;
  /** Ask the server for the subscription listing before each new symbol subscription (default true). */
  checkQuota?: boolean;
  /** Requested heartbeat intervals in ms (the service's default is 10 000). */
  heartbeatMs?: number;
  connectTimeoutMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  logger?: Logger;
}

export { PushKickedOutError, PushRequestError } from './pushErrors.ts';

const ACK_CODES = new Set<number>([PushCode.LISTING, PushCode.SUBSCRIBED, PushCode.UNSUBSCRIBED, PushCode.ERROR_RESULT]);
const SYMBOL_TYPES = new Set<DataTypeCode>([DataType.Quote, DataType.Option, DataType.Future, DataType.QuoteDepth, DataType.TradeTick, DataType.Kline, DataType.Cc]);

/** One MESSAGE body, decoded once for every stream of its data type. */
interface DecodedPush {
  dataType: DataTypeCode;
  values: readonly unknown[];
}

/** The values a body carries for its data type; throws on a malformed body (see pushModels). */
function decodePushBody(d: PushDataMsg): unknown[] | undefined {
  switch (d.dataType) {
    case DataType.OrderStatus: return d.orderStatusData ? [orderFromPush(d.orderStatusData)] : undefined;
    case DataType.OrderTransaction: return d.orderTransactionData ? [fillFromPush(d.orderTransactionData)] : undefined;
    case DataType.Quote: return d.quoteData ? [quoteFromPush(d.quoteData)] : undefined;
    case DataType.Kline: return d.klineData ? [barFromPush(d.klineData)] : undefined;
    case DataType.QuoteDepth: return d.quoteDepthData ? [depthFromPush(d.quoteDepthData)] : undefined;
    case DataType.TradeTick: return d.tradeTickData ? ticksFromPush(d.tradeTickData) : undefined;
    case DataType.Position: return d.positionData ? [positionFromPush(d.positionData)] : undefined;
    case DataType.Asset: return d.assetData ? [assetsFromPush(d.assetData)] : undefined;
    default: return undefined;
  }
}

/**
 * The venue time a decoded push value carries for when its event happened (an order's update, a
 * fill, a quote, a depth snapshot, a tick, an asset figure); undefined for a kline, whose time is
 * its bar's start, and for a position, which carries none.
 */
function eventTimeOf(dataType: DataTypeCode, v: unknown): number | undefined {
  switch (dataType) {
    case DataType.OrderStatus: return (v as Order).updateTime || undefined;
    case DataType.OrderTransaction: return (v as Fill).time || undefined;
    case DataType.Quote: case DataType.QuoteDepth: case DataType.TradeTick: case DataType.Asset:
      return (v as { time?: number }).time || undefined;
    default: return undefined;
  }
}

/**
 * The push stream: TLS + varint32-framed protobuf, signed CONNECT, heartbeats, ref-counted
 * subscriptions (the last unsubscribe sends UNSUBSCRIBE), reconnect with capped backoff and
 * replay of every live subscription. A kick-out (4001) is fatal and surfaced on `connection$`
 * and as an error on every open stream.
 *
 * @example
 * ```ts
 * const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, ...cfg.push });
 * await push.connect();
 * push.quotes$(['AAPL']).subscribe((q) => console.log(q.symbol, q.latestPrice));
 * ```
 */
export class PushClient {
  readonly connection$ = new BehaviorSubject<ConnectionState>({ state: 'idle', sessions: 0 });
  private readonly data$ = new Subject<DecodedPush>();
  private readonly fatal$ = new Subject<Error>();
  /**
   * The venue time of every event push as it is read (see `eventTimeOf`), whatever stream it feeds:
   * how far behind the venue the stream runs (the push-lag metric). Subscribing here subscribes
   * nothing at the venue.
   */
  readonly eventTimes$ = new Subject<number>();
  private socket: Socket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: PushResponse) => void; reject: (e: Error) => void }>();
  /** dataType -> key (symbol, or account for trade streams) -> ref count */
  private readonly refs = new Map<DataTypeCode, Map<string, number>>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closing = false;
  private readonly log: Logger;
  private readonly unknownStatuses: OncePerKeyLog;
  private malformed = 0;

  constructor(private readonly opts: PushClientOptions) {
    this.log = opts.logger ?? silentLogger;
    this.unknownStatuses = new OncePerKeyLog(this.log);
  }

  /**
   * Pushes dropped because they lacked what the REST parsers require (an order or fill without
   * id, symbol, action, quantity...). Never booked; reconciliation recovers the truth.
   */
  get malformedPushes(): number {
    return this.malformed;
  }

  /** Connects and resolves on CONNECTED. Later drops reconnect by themselves. */
  connect(): Promise<void> {
    this.closing = false;
    return this.open();
  }

  /** Sends DISCONNECT, closes the socket and stops reconnecting. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const s = this.socket;
    if (s && !s.destroyed) {
      try {
        s.write(encodeFrame(encodeRequest({ command: Command.DISCONNECT, id: this.nextId++ })));
      } catch {
        /* already gone */
      }
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.end();
        setTimeout(() => s.destroy(), 500).unref();
      });
    }
    this.stopTimers();
    this.setState('closed');
  }

  /** Frames read on the current connection (all commands: acks, heartbeats, data). */
  private framesRead = 0;

  /**
   * What has arrived so far, for a driver that must not move a replay on before the client has
   * read and handled every push (the lockstep embedded gateway): frames read on the current
   * connection and requests (SUBSCRIBE...) still waiting for their ack.
   */
  get delivery(): { connected: boolean; framesRead: number; awaitingAcks: number } {
    return { connected: this.connection$.value.state === 'connected', framesRead: this.framesRead, awaitingAcks: this.pending.size };
  }

  private setState(state: ConnectionStateName, reason?: string): void {
    const prev = this.connection$.value;
    const sessions = state === 'connected' ? prev.sessions + 1 : prev.sessions;
    this.connection$.next(reason === undefined ? { state, sessions } : { state, sessions, reason });
  }

  private open(): Promise<void> {
    this.setState(this.connection$.value.sessions === 0 ? 'connecting' : 'reconnecting');
    return new Promise<void>((resolve, reject) => {
      const o = this.opts;
      const pin = o.certSha256 ? normalizeFingerprint(o.certSha256) : undefined;
      if (o.certSha256 && !pin) throw new Error('push_cert_sha256 is not a SHA-256 fingerprint (64 hex digits, colons allowed)');
      if (o.tls !== false && o.insecure) {
        this.log.warn('push TLS certificate NOT verified (push_tls_insecure=true): anyone on the path can read and alter the stream', { host: o.host, port: o.port });
      }
      const socket: Socket = o.tls === false
        ? netConnect({ host: o.host, port: o.port })
        : tlsConnect({ host: o.host, port: o.port, servername: /^[\d.]+$/.test(o.host) ? undefined : o.host, ca: o.caPem, rejectUnauthorized: !(o.insecure || pin) });
      socket.setNoDelay(true);
      this.socket = socket;
      this.framesRead = 0;
      const decoder = new FrameDecoder();
      let connected = false;
      // Set while a refused certificate is being read for the error message ('close' must not reject first).
      let explainingTls = false;
      const timeout = setTimeout(() => {
        socket.destroy(new Error(`no CONNECTED within ${o.connectTimeoutMs ?? 30_000} ms`));
      }, o.connectTimeoutMs ?? 30_000);

      const onConnected = (r: PushResponse) => {
        connected = true;
        clearTimeout(timeout);
        this.attempt = 0;
        let heartbeat = o.heartbeatMs ?? 10_000;
        try {
          const hb = String((JSON.parse(r.msg ?? '{}') as Record<string, unknown>)['heart-beat'] ?? '');
          const a = Number(hb.split(',')[0]);
          if (a > 0) heartbeat = a;
        } catch {
          /* keep the requested interval */
        }
        this.startTimers(heartbeat);
        this.setState('connected');
        this.replaySubscriptions();
        resolve();
      };

      socket.once(o.tls === false ? 'connect' : 'secureConnect', () => {
        if (pin && o.tls !== false) {
          const got = (socket as Socket & { getPeerCertificate(): { fingerprint256?: string } }).getPeerCertificate().fingerprint256 ?? '';
          if (got !== pin) {
            const err = Object.assign(new Error(`certificate sha256 ${got || 'none'} is not the pinned push_cert_sha256 ${pin}`), { code: 'PUSH_CERT_PIN_MISMATCH' });
            socket.destroy(err);
            return;
          }
        }
        this.send({
          command: Command.CONNECT, id: this.nextId++,
          connect: {
            tigerId: o.tigerId, sign: signWithKey(o.tigerId, o.privateKey), sdkVersion: 'pounce/0.1', acceptVersion: '3',
            sendInterval: o.heartbeatMs ?? 10_000, receiveInterval: o.heartbeatMs ?? 10_000, useFullTick: false,
          },
        });
      });
      socket.on('data', (chunk: Buffer) => {
        this.touch();
        let frames: Buffer[];
        try {
          frames = decoder.push(chunk);
        } catch (err) {
          this.log.error('push stream corrupt; reconnecting', { error: (err as Error).message });
          socket.destroy();
          return;
        }
        if (this.socket === socket) this.framesRead += frames.length;
        for (const f of frames) {
          let r: PushResponse;
          try {
            r = decodeResponse(f);
          } catch (err) {
            this.log.warn('undecodable push frame dropped', { error: (err as Error).message, bytes: f.length });
            continue;
          }
          if (r.command === Command.CONNECTED) onConnected(r);
          else this.onResponse(r, connected ? undefined : reject);
        }
      });
      socket.on('error', (err) => {
        this.log.warn('push socket error', { error: err.message });
        if (connected) return;
        if (o.tls !== false && isCertificateError(err)) {
          // Read the certificate on a second, untrusting connection to name it in the message.
          const reason = `${(err as { code?: string }).code ?? 'TLS'}: ${err.message}`;
          explainingTls = true;
          void readServerCertificate(o.host, o.port).then((cert) => reject(new PushTlsError(tlsFailureMessage(o.host, o.port, reason, cert), o.host, o.port, reason, cert)));
          return;
        }
        reject(err);
      });
      socket.on('close', () => {
        clearTimeout(timeout);
        this.stopTimers();
        for (const p of this.pending.values()) p.reject(new PushRequestError('push connection closed before the ack', undefined));
        this.pending.clear();
        if (this.socket === socket) this.socket = undefined;
        if (!connected && !explainingTls) reject(new Error('push connection closed before CONNECTED'));
        const st = this.connection$.value.state;
        if (this.closing || st === 'kicked-out') return;
        // Only an established connection schedules here; a failed attempt is rescheduled by
        // scheduleReconnect's own catch (scheduling both raced two sockets into a kick-out).
        if (connected) this.scheduleReconnect();
      });
    });
  }

  private scheduleReconnect(): void {
    const { initialMs, maxMs } = this.opts.reconnect ?? { initialMs: 500, maxMs: 30_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempt++) * (0.8 + Math.random() * 0.4);
    this.setState('reconnecting', `retry in ${Math.round(delay)} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.open().catch((err: Error) => {
        this.log.warn('push reconnect failed', { error: err.message });
        // The failed attempt may still hold its socket (the error can precede 'close').
        this.socket?.destroy();
        this.socket = undefined;
        if (!this.closing && this.connection$.value.state !== 'kicked-out') this.scheduleReconnect();
      });
    }, delay);
  }

  private onResponse(r: PushResponse, rejectConnect: ((e: Error) => void) | undefined): void {
    // Any MESSAGE whose code is not an ack, listing or error is data (python protobuf_push_client.py
    // on_message, java ApiCallbackDecoder default branch).
    if (r.command === Command.MESSAGE && r.body && !ACK_CODES.has(r.code ?? 0)) {
      this.onData(r.body);
      return;
    }
    if (r.command === Command.ERROR && r.code === PushCode.KICK_OUT) {
      const err = new PushKickedOutError(r.msg || 'kicked out by a new connection for the same tiger_id');
      this.setState('kicked-out', err.message);
      this.fatal$.next(err);
      this.socket?.destroy();
      return;
    }
    const waiter = r.id !== undefined ? this.pending.get(r.id) : undefined;
    if (waiter) {
      this.pending.delete(r.id!);
      if (r.code === PushCode.SUBSCRIBED || r.code === PushCode.UNSUBSCRIBED || r.code === PushCode.LISTING) waiter.resolve(r);
      else waiter.reject(new PushRequestError(r.msg || `push request failed with code ${r.code ?? 'none'}`, r.code));
      return;
    }
    if (r.command === Command.ERROR) {
      const err = new PushRequestError(r.msg || `push error ${r.code ?? ''}`, r.code);
      if (rejectConnect) rejectConnect(err);
      this.log.warn('push error', { code: r.code, msg: r.msg });
    }
  }

  /** Decodes a body once; a malformed one is counted, logged and dropped, never thrown. */
  private onData(body: PushDataMsg): void {
    let values: unknown[] | undefined;
    try {
      values = decodePushBody(body);
    } catch (err) {
      this.malformed++;
      this.log.warn('malformed push dropped', { dataType: body.dataType, error: (err as Error).message, dropped: this.malformed });
      return;
    }
    if (!values) return;
    for (const v of values) {
      const o = v as Partial<Order>;
      if (body.orderStatusData && o.status === 'Unknown') {
        this.unknownStatuses.warn(o.rawStatus ?? '', 'order push with an unknown status; kept as Unknown until the next order lookup', { status: o.rawStatus, id: o.id });
      }
    }
    this.data$.next({ dataType: body.dataType, values });
    if (this.eventTimes$.observed) {
      for (const v of values) {
        const t = eventTimeOf(body.dataType, v);
        if (t !== undefined) this.eventTimes$.next(t);
      }
    }
  }

  private send(req: PushRequest): void {
    this.socket?.write(encodeFrame(encodeRequest(req)));
  }

  private request(req: Omit<PushRequest, 'id'>): Promise<PushResponse> {
    if (!this.socket || this.connection$.value.state !== 'connected') {
      // Not connected: the subscription is recorded and replayed after CONNECTED.
      return Promise.resolve({ command: Command.MESSAGE });
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ ...req, id });
    });
  }

  private startTimers(heartbeatMs: number): void {
    this.stopTimers();
    this.heartbeatTimer = setInterval(() => this.send({ command: Command.HEARTBEAT, id: this.nextId++ }), heartbeatMs);
    this.heartbeatTimer.unref();
    this.idleMs = Math.round(heartbeatMs * 2.5);
    this.touch();
  }

  private idleMs = 25_000;

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (!this.heartbeatTimer) return;
    this.idleTimer = setTimeout(() => {
      this.log.warn('push stream silent past the heartbeat timeout; reconnecting');
      this.socket?.destroy();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private stopTimers(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.idleTimer);
    this.heartbeatTimer = undefined;
  }

  private subscribeBody(dataType: DataTypeCode, keys: string[]): PushRequest['subscribe'] {
    if (SYMBOL_TYPES.has(dataType)) return { dataType, symbols: keys.join(',') };
    return keys[0] ? { dataType, account: keys[0] } : { dataType };
  }

  private replaySubscriptions(): void {
    for (const [dataType, keys] of this.refs) {
      const list = [...keys.keys()];
      if (list.length === 0) continue;
      const bodies = SYMBOL_TYPES.has(dataType) ? [list] : list.map((k) => [k]);
      for (const b of bodies) {
        this.request({ command: Command.SUBSCRIBE, subscribe: this.subscribeBody(dataType, b) }).catch((err: Error) =>
          this.log.error('resubscribe refused', { dataType, error: err.message }),
        );
      }
    }
  }

  /**
   * What this tiger_id has subscribed and its limits: the push listing (python SDK
   * query_subscribed_quote: a SEND request answered with code 111).
   */
  async subscriptionListing(): Promise<SubscriptionListing> {
    if (!this.socket || this.connection$.value.state !== 'connected') throw new PushRequestError('push not connected: cannot query the subscription listing', undefined);
    const r = await this.request({ command: Command.SEND });
    return parseSubscriptionListing(r.msg ?? '');
  }

  private async addRefs(dataType: DataTypeCode, keys: string[]): Promise<unknown> {
    let m = this.refs.get(dataType);
    if (!m) this.refs.set(dataType, (m = new Map()));
    const fresh: string[] = [];
    for (const k of keys) {
      const c = m.get(k) ?? 0;
      if (c === 0) fresh.push(k);
      m.set(k, c + 1);
    }
    if (fresh.length === 0) return;
    const connected = this.socket !== undefined && this.connection$.value.state === 'connected';
    const quotaChecked = connected && this.opts.checkQuota !== false && quotaFor(dataType) !== undefined;
    try {
      if (quotaChecked) {
        const quota = quotaFor(dataType)!;
        const listing = await this.subscriptionListing();
        const refusal = quota.refusal(listing, fresh);
        if (refusal) throw new PushQuotaError(refusal, undefined, listing);
      }
      return await this.request({ command: Command.SUBSCRIBE, subscribe: this.subscribeBody(dataType, fresh) });
    } catch (err) {
      // The refs are released by the stream's teardown when this error reaches its subscriber.
      if (err instanceof PushRequestError && !(err instanceof PushQuotaError) && quotaFor(dataType) && this.connection$.value.state === 'connected') {
        // Explain a refusal with the listing: what is subscribed and the limit.
        const listing = await this.subscriptionListing().catch(() => undefined);
        throw new PushQuotaError(quotaFor(dataType)!.explainRefusal(err.message, listing, fresh), err.code, listing);
      }
      throw err;
    }
  }

  private releaseRefs(dataType: DataTypeCode, keys: string[]): void {
    const m = this.refs.get(dataType);
    if (!m) return;
    const gone: string[] = [];
    for (const k of keys) {
      const c = (m.get(k) ?? 0) - 1;
      if (c <= 0) {
        m.delete(k);
        gone.push(k);
      } else m.set(k, c);
    }
    if (gone.length > 0) {
      this.request({ command: Command.UNSUBSCRIBE, subscribe: this.subscribeBody(dataType, gone) }).catch((err: Error) =>
        this.log.warn('unsubscribe refused', { dataType, error: err.message }),
      );
    }
  }

  /** Number of live references per data type and key (for diagnostics and tests). */
  subscriptions(): Map<DataTypeCode, ReadonlyMap<string, number>> {
    return new Map(this.refs);
  }

  private stream<T>(dataType: DataTypeCode, keys: string[], accept: (v: T) => boolean): Observable<T> {
    return new Observable<T>((subscriber: Subscriber<T>) => {
      const inner = this.data$
        .pipe(
          filter((d) => d.dataType === dataType),
          map((d) => d.values as readonly T[]),
        )
        .subscribe((vals) => {
          for (const v of vals) if (accept(v)) subscriber.next(v);
        });
      const fatal = this.fatal$.subscribe((e) => subscriber.error(e));
      this.addRefs(dataType, keys).catch((err: Error) => subscriber.error(err));
      return () => {
        inner.unsubscribe();
        fatal.unsubscribe();
        this.releaseRefs(dataType, keys);
      };
    });
  }

  private symbolStream<T extends { symbol: string }>(dataType: DataTypeCode, symbols: string[]): Observable<T> {
    const set = new Set(symbols);
    return this.stream<T>(dataType, symbols, (v) => set.has(v.symbol));
  }

  quotes$(symbols: string[]): Observable<Quote> {
    return this.symbolStream<Quote>(DataType.Quote, symbols);
  }
  bars$(symbols: string[]): Observable<Bar> {
    return this.symbolStream<Bar>(DataType.Kline, symbols);
  }
  depth$(symbols: string[]): Observable<Depth> {
    return this.symbolStream<Depth>(DataType.QuoteDepth, symbols);
  }
  ticks$(symbols: string[]): Observable<Tick> {
    return this.symbolStream<Tick>(DataType.TradeTick, symbols);
  }
  /** Order status changes for `account` (all accounts of the tiger_id when omitted). */
  orders$(account?: string): Observable<Order> {
    return this.stream<Order>(DataType.OrderStatus, [account ?? ''], (o) => !account || o.account === account);
  }
  fills$(account?: string): Observable<Fill> {
    return this.stream<Fill>(DataType.OrderTransaction, [account ?? ''], (f) => !account || f.account === account);
  }
  positions$(account?: string): Observable<Position> {
    return this.stream<Position>(DataType.Position, [account ?? ''], (p) => !account || p.account === account);
  }
  assets$(account?: string): Observable<AccountAssets> {
    return this.stream<AccountAssets>(DataType.Asset, [account ?? ''], (a) => !account || a.account === account);
  }
}
