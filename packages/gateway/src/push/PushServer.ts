import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import {
  Command, DataType, decodeRequest, encodeFrame, encodeResponse, FrameDecoder, PushCode, verifyWithKey, type DataTypeCode, type Logger, type PushDataMsg, type PushRequest, type PushResponse,
} from '@pounce/core';

interface Session {
  readonly socket: TLSSocket;
  readonly id: number;
  tigerId: string | undefined;
  /** Frames written to this connection (the lockstep replay compares it with what the client read). */
  sent: number;
  /** dataType -> symbols (quote-like) or accounts ('' = all accounts) */
  readonly subs: Map<DataTypeCode, Set<string>>;
}

export interface PushFaults {
  /** Refuse new push connections (closed right after accept). */
  refusePush: boolean;
  /** Send every trade push twice. */
  duplicateTradePushes: boolean;
  /** Swap each trade push with the next one (held at most 50 ms), so they arrive out of order. */
  reorderTradePushes: boolean;
  /** Symbols per quote-like data type a tiger_id may subscribe (the service's per-level quota). */
  quoteLimit: number;
  /** `code` set on data MESSAGEs (0 = none); the SDKs treat any code but 111/112/113/200 as data. */
  pushDataCode: number;
}

const TRADE_TYPES = new Set<DataTypeCode>([DataType.Asset, DataType.Position, DataType.OrderStatus, DataType.OrderTransaction]);
/** The default quota (the gateway's user level). */
export const QUOTE_LIMIT = 2000;

/**
 * The push server: TLS, varint32 framing, CONNECT verified against the registered client key,
 * CONNECTED with heart-beat settings, HEARTBEAT echo, SUBSCRIBE/UNSUBSCRIBE acked with 112/113, SEND
 * answered with the 111 listing, and one connection per tiger_id (the older one gets ERROR 4001).
 */
export class PushServer {
  private server: Server | undefined;
  private readonly sessions = new Set<Session>();
  private nextId = 1;

  constructor(
    private readonly o: { host: string; port: number; keyPem: string; certPem: string; clients: ReadonlyMap<string, KeyObject>; faults: PushFaults; logger: Logger;
      /** Called on every market data (quote, bar, tick, depth) subscription. */
      onMarketSubscribe?: () => void },
  ) {}

  async listen(): Promise<number> {
    this.server = createServer({ key: this.o.keyPem, cert: this.o.certPem }, (socket) => this.accept(socket));
    this.server.on('tlsClientError', (err) => this.o.logger.debug('push tls client error', { error: err.message }));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.flushHeld();
    const s = this.server;
    this.server = undefined;
    for (const sess of this.sessions) sess.socket.destroy();
    this.sessions.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Drops every push connection (fault injection: clients must reconnect and resubscribe). */
  dropAll(): number {
    const n = this.sessions.size;
    for (const s of this.sessions) s.socket.destroy();
    return n;
  }

  get connectionCount(): number {
    return [...this.sessions].filter((s) => s.tigerId).length;
  }

  private accept(socket: TLSSocket): void {
    if (this.o.faults.refusePush) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const sess: Session = { socket, id: this.nextId++, tigerId: undefined, sent: 0, subs: new Map() };
    this.sessions.add(sess);
    const decoder = new FrameDecoder(64 * 1024);
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) this.onRequest(sess, decodeRequest(frame));
      } catch (err) {
        this.o.logger.warn('bad push frame; closing', { error: (err as Error).message });
        this.send(sess, { command: Command.ERROR, code: 1000, msg: `bad frame: ${(err as Error).message}` });
        socket.end();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sessions.delete(sess));
  }

  private send(sess: Session, r: PushResponse): void {
    this.write(sess, encodeFrame(encodeResponse(r)));
  }

  private write(sess: Session, frame: Buffer): void {
    if (sess.socket.destroyed) return;
    sess.socket.write(frame);
    sess.sent++;
  }

  /**
   * Frames written to the live connections of `tigerId`. An in-process client that has read as
   * many on its own connection has received every push sent so far.
   */
  framesSentTo(tigerId: string): number {
    let n = 0;
    for (const s of this.sessions) if (s.tigerId === tigerId && !s.socket.destroyed) n += s.sent;
    return n;
  }

  private onRequest(sess: Session, req: PushRequest): void {
    if (req.command === Command.CONNECT) return this.onConnect(sess, req);
    if (!sess.tigerId) {
      this.send(sess, { command: Command.ERROR, id: req.id, code: 4, msg: 'not connected: send CONNECT first' });
      sess.socket.end();
      return;
    }
    switch (req.command) {
      case Command.HEARTBEAT:
        return this.send(sess, { command: Command.HEARTBEAT, id: req.id });
      case Command.SUBSCRIBE:
      case Command.UNSUBSCRIBE:
        return this.onSubscribe(sess, req);
      case Command.SEND:
        return this.send(sess, { command: Command.MESSAGE, id: req.id, code: PushCode.LISTING, msg: JSON.stringify(this.listing(sess)) });
      case Command.DISCONNECT:
        sess.subs.clear();
        sess.socket.end();
        return;
      default:
        this.send(sess, { command: Command.ERROR, id: req.id, code: 3007, msg: `unknown command ${req.command}` });
    }
  }

  private onConnect(sess: Session, req: PushRequest): void {
    const c = req.connect;
    const key = c ? this.o.clients.get(c.tigerId) : undefined;
    if (!c || !key || !verifyWithKey(c.tigerId, c.sign, key)) {
      this.send(sess, { command: Command.ERROR, id: req.id, code: 4, msg: 'access forbidden: push signature check failed' });
      sess.socket.end();
      return;
    }
    for (const other of this.sessions) {
      if (other !== sess && other.tigerId === c.tigerId) {
        this.send(other, { command: Command.ERROR, code: PushCode.KICK_OUT, msg: 'kick out by a new connection' });
        other.tigerId = undefined;
        other.socket.end();
      }
    }
    sess.tigerId = c.tigerId;
    const hb = c.sendInterval && c.sendInterval > 0 ? c.sendInterval : 10_000;
    this.send(sess, { command: Command.CONNECTED, id: req.id, msg: JSON.stringify({ version: '3', 'heart-beat': `${hb},${hb}` }) });
  }

  private onSubscribe(sess: Session, req: PushRequest): void {
    const sub = req.subscribe;
    const ackCode = req.command === Command.SUBSCRIBE ? PushCode.SUBSCRIBED : PushCode.UNSUBSCRIBED;
    if (!sub || !sub.dataType) {
      this.send(sess, { command: Command.MESSAGE, id: req.id, code: PushCode.ERROR_RESULT, msg: 'subscribe without dataType' });
      return;
    }
    const keys = TRADE_TYPES.has(sub.dataType) ? [sub.account ?? ''] : (sub.symbols ?? '').split(',').filter((s) => s !== '');
    let set = sess.subs.get(sub.dataType);
    if (req.command === Command.SUBSCRIBE) {
      if (!TRADE_TYPES.has(sub.dataType) && keys.length === 0) {
        this.send(sess, { command: Command.MESSAGE, id: req.id, code: PushCode.ERROR_RESULT, msg: 'symbols cannot be empty' });
        return;
      }
      if (!set) sess.subs.set(sub.dataType, (set = new Set()));
      const limit = this.o.faults.quoteLimit;
      if (!TRADE_TYPES.has(sub.dataType) && new Set([...set, ...keys]).size > limit) {
        this.send(sess, { command: Command.ERROR, id: req.id, code: 4, msg: `According to your user level, you can only subscribe to ${limit} symbols` });
        return;
      }
      for (const k of keys) set.add(k);
      if (!TRADE_TYPES.has(sub.dataType)) this.o.onMarketSubscribe?.();
    } else if (set) {
      if (TRADE_TYPES.has(sub.dataType) || keys.length === 0) set.clear();
      else for (const k of keys) set.delete(k);
    }
    this.send(sess, { command: Command.MESSAGE, id: req.id, code: ackCode, msg: 'success', body: { dataType: sub.dataType } });
  }

  private listing(sess: Session): Record<string, unknown> {
    const list = (t: DataTypeCode) => [...(sess.subs.get(t) ?? [])];
    const QUOTE_LIMIT = this.o.faults.quoteLimit;
    return {
      limit: QUOTE_LIMIT, used: list(DataType.Quote).length, subscribedSymbols: list(DataType.Quote), askBidLimit: QUOTE_LIMIT, askBidUsed: list(DataType.QuoteDepth).length,
      subscribedAskBidSymbols: list(DataType.QuoteDepth), tradeTickLimit: QUOTE_LIMIT, tradeTickUsed: list(DataType.TradeTick).length,
      subscribedTradeTickSymbols: list(DataType.TradeTick), klineLimit: QUOTE_LIMIT, klineUsed: list(DataType.Kline).length, subscribedKlineSymbols: list(DataType.Kline),
      subscribedMarketQuote: [],
    };
  }

  /** Sends a quote-like push to sessions subscribed to `symbol` for `dataType`. */
  publishSymbol(dataType: DataTypeCode, symbol: string, body: PushDataMsg): void {
    let bytes: Buffer | undefined;
    for (const s of this.sessions) {
      if (!s.tigerId || !s.subs.get(dataType)?.has(symbol)) continue;
      bytes ??= encodeFrame(encodeResponse(this.dataMessage(body)));
      this.write(s, bytes);
    }
  }

  /** A data MESSAGE, with the `pushDataCode` fault's code when set. */
  private dataMessage(body: PushDataMsg): PushResponse {
    const code = this.o.faults.pushDataCode;
    return code ? { command: Command.MESSAGE, code, body } : { command: Command.MESSAGE, body };
  }

  private held: { dataType: DataTypeCode; account: string; body: PushDataMsg; timer: NodeJS.Timeout } | undefined;

  /** Sends a trade push to sessions subscribed to `dataType` for `account` (or all accounts). */
  publishAccount(dataType: DataTypeCode, account: string, body: PushDataMsg): void {
    if (this.o.faults.reorderTradePushes) {
      const prev = this.held;
      if (!prev) {
        const timer = setTimeout(() => this.flushHeld(), 50);
        this.held = { dataType, account, body, timer };
        return;
      }
      this.held = undefined;
      clearTimeout(prev.timer);
      this.sendAccount(dataType, account, body);
      this.sendAccount(prev.dataType, prev.account, prev.body);
      return;
    }
    this.flushHeld();
    this.sendAccount(dataType, account, body);
  }

  private flushHeld(): void {
    const h = this.held;
    this.held = undefined;
    if (h) {
      clearTimeout(h.timer);
      this.sendAccount(h.dataType, h.account, h.body);
    }
  }

  private sendAccount(dataType: DataTypeCode, account: string, body: PushDataMsg): void {
    let bytes: Buffer | undefined;
    for (const s of this.sessions) {
      const set = s.subs.get(dataType);
      if (!s.tigerId || !set || !(set.has('') || set.has(account))) continue;
      bytes ??= encodeFrame(encodeResponse(this.dataMessage(body)));
      this.write(s, bytes);
      if (this.o.faults.duplicateTradePushes) this.write(s, bytes);
    }
  }
}
