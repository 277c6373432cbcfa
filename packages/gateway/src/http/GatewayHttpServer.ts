import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { parseBigJson, perMinuteLimit, signContent, signWithKey, stringifyBigJson, TIMESTAMP_FORMAT, TokenBucket, verifyWithKey, type Logger } from '@pounce/core';
import { respellOrderStatuses, type OrderStatusWire } from '../methods/wireShapes.ts';
import { bizParam, commonParam, GatewayError } from './GatewayError.ts';
import { scaleQuantities } from '../methods/quantityScale.ts';

/** A method's handler: biz, the caller's tiger_id, its device_id and its Authorization header. */
export type MethodHandler = (biz: Record<string, unknown>, tigerId: string, caller: { deviceId: string | undefined; authorization: string | undefined }) => unknown;

export interface HttpFaults {
  /** Extra delay before answering, ms. */
  replyDelayMs: number;
  /**
   * Methods whose next request is run and answered only after this many ms (once each): past a
   * client's timeout, the request still takes effect, late.
   */
  delayReplyOf: Map<string, number>;
  /** Answer the next N requests with the service's rate-limit reply. */
  rateLimitNext: number;
  /** When set, `replyDelayMs` and `rateLimitNext` apply only to requests of these methods (e.g. `place_order`). */
  faultMethods?: ReadonlySet<string>;
  /** Destroy incoming connections instead of answering. */
  refuseHttp: boolean;
  /** Methods whose next request is executed but whose reply is lost (connection dropped). */
  loseReplyOf: Set<string>;
  /**
   * Replies sent without `sign`: `errors` drops it from every reply whose code is not 0 (what the
   * Python/Java/Go SDKs tolerate), `all` from every reply (a client must refuse unsigned data).
   */
  unsignedReplies: 'none' | 'errors' | 'all';
  /** How order statuses are spelled in REST replies and order pushes (see OrderStatusWire). */
  orderStatusWire: OrderStatusWire;
  /**
   * Answer the next N place_order requests with code 0 whose `data` carries a non-zero inner
   * `code` and `message` (the shape the Python SDK's OrderIdResponse checks); no order is placed.
   */
  refuseOrdersInside: number;
  /** The key place_order replies carry the per-account order number under (the Python SDK reads both). */
  placeOrderIdKey: 'order_id' | 'orderId';
  /**
   * When > 0, the next place_order's reply is lost and the order is created only after this many
   * later `orders` queries have been answered: a broker still processing a delayed request, so
   * the first lookups by userMark find nothing. Reset to 0 once taken.
   */
  placeAfterLookups: number;
  /** `GET /garden` answers (`up`) or fails with HTTP 503 (`down`): the SDKs then fall back. */
  discovery: 'up' | 'down';
  /** What `user_license` answers. */
  license: string;
  /**
   * Quantities in REST order/position/transaction replies (and pushes) sent as integer × 10^scale
   * with `totalQuantityScale` / `filledQuantityScale` / `positionScale` (fractional shares); 0 = plain.
   */
  quantityScale: number;
}

/** A request held back by the placeAfterLookups fault. */
interface HeldRequest {
  run: () => void;
  /** `orders` replies still to go before it runs. */
  lookupsLeft: number;
}

/** The inner refusal `refuseOrdersInside` sends. */
export const INNER_REFUSAL = { code: '1200', message: 'order refused inside a code-0 reply (gateway fault refuseOrdersInside)' } as const;

export interface GatewayHttpOptions {
  host: string;
  port: number;
  signingKey: KeyObject;
  clients: ReadonlyMap<string, KeyObject>;
  handlers: ReadonlyMap<string, MethodHandler>;
  /** Enforce the service's per-method limits server-side (answers HTTP 429, code 5). */
  rateLimit: boolean;
  faults: HttpFaults;
  logger: Logger;
  /** Checks made before any method runs (quote permission, TBHK token); throw a GatewayError to refuse. */
  admit?: (method: string, tigerId: string, caller: { deviceId: string | undefined; authorization: string | undefined }) => void;
  /** The domain-garden answer (`tradeup`: asked with ?appName=tradeup). */
  garden?: (tradeup: boolean) => unknown;
}

/** One answered request: the path it came on (routing tests) and its method. */
export interface RoutedRequest {
  path: string;
  method: string;
}

const MAX_BODY = 1 << 20;

/**
 * `POST /gateway`: parses the envelope, verifies `sign` against the registered client key,
 * checks the timestamp format, dispatches on `method`, and answers `{code, message, timestamp,
 * data, sign}` with `sign` = this gateway's signature of the request timestamp.
 */
export class GatewayHttpServer {
  private server: Server | undefined;
  private readonly buckets = new Map<string, TokenBucket>();
  private held: HeldRequest[] = [];
  /** The last requests answered (path and method), newest last; at most 1000 kept. */
  readonly requests: RoutedRequest[] = [];

  constructor(private readonly o: GatewayHttpOptions) {}

  async listen(): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const f = this.o.faults;
    if (f.refuseHttp) {
      req.socket.destroy();
      return;
    }
    const [path = '', query = ''] = (req.url ?? '').split('?');
    if (req.method === 'GET' && path === '/garden' && this.o.garden) {
      if (f.discovery === 'down') res.writeHead(503, { 'content-type': 'text/plain' }).end('garden down (gateway fault discovery=down)');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.o.garden(/(^|&)appName=tradeup(&|$)/.test(query))));
      return;
    }
    // `/gateway`, or a discovered route `/{x}/gateway` (see discovery.ts).
    if (req.method !== 'POST' || !/^(\/[a-z-]+)?\/gateway$/.test(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: POST /gateway');
      return;
    }
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    let body = '';
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        req.socket.destroy();
        return;
      }
      body += chunk;
    }
    const targeted = !f.faultMethods || f.faultMethods.has(/"method"\s*:\s*"([^"]{0,60})"/.exec(body)?.[1] ?? '');
    if (targeted && f.replyDelayMs > 0) await new Promise((r) => setTimeout(r, f.replyDelayMs));
    let timestamp = '';
    let method = '';
    let status = 200;
    let reply: { code: number; message: string; data?: unknown };
    try {
      // Sign even an error reply over the request's timestamp, so the client can trust the error.
      timestamp = /"timestamp"\s*:\s*"([^"]{0,40})"/.exec(body)?.[1] ?? '';
      const env = this.parseEnvelope(body);
      timestamp = env.timestamp;
      method = env.method;
      this.requests.push({ path, method });
      if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
      const caller = { deviceId: env.deviceId, authorization };
      this.o.admit?.(method, env.tigerId, caller);
      const delay = f.delayReplyOf.get(method);
      if (delay !== undefined) {
        f.delayReplyOf.delete(method);
        await new Promise((r) => setTimeout(r, delay));
      }
      if (targeted && f.rateLimitNext > 0) {
        f.rateLimitNext--;
        throw new GatewayError(5, `rate limit error(current limiting interface:${method}, up to ${perMinuteLimit(method)} times per minute)`, 429);
      }
      this.throttle(env.tigerId, method);
      const handler = this.o.handlers.get(method);
      if (!handler) throw commonParam('the current requested method does not support');
      let biz: Record<string, unknown> = {};
      if (env.bizContent !== undefined) {
        let parsed: unknown;
        try {
          parsed = parseBigJson(env.bizContent);
        } catch {
          throw bizParam('biz_content is not valid JSON');
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw bizParam('biz_content must be a JSON object');
        biz = parsed as Record<string, unknown>;
      }
      if (method === 'place_order' && f.placeAfterLookups > 0) {
        const tigerId = env.tigerId;
        this.held.push({ run: () => void handler(biz, tigerId, caller), lookupsLeft: f.placeAfterLookups });
        f.placeAfterLookups = 0;
        this.o.logger.info('fault: place_order held back, its reply lost', { lookups: this.held.at(-1)!.lookupsLeft });
        req.socket.destroy();
        return;
      }
      if (method === 'place_order' && f.refuseOrdersInside > 0) {
        f.refuseOrdersInside--;
        reply = { code: 0, message: 'success', data: { ...INNER_REFUSAL } };
      } else {
        reply = { code: 0, message: 'success', data: this.faultShaped(method, handler(biz, env.tigerId, caller)) };
      }
      if (method === 'orders') this.releaseHeld();
      if (f.loseReplyOf.delete(method)) {
        this.o.logger.info('fault: dropping the reply after executing', { method });
        req.socket.destroy();
        return;
      }
    } catch (err) {
      if (err instanceof GatewayError) {
        reply = { code: err.code, message: err.message };
        status = err.httpStatus;
      } else {
        this.o.logger.error('handler failed', { method, error: (err as Error).message });
        reply = { code: 1, message: 'server error' };
      }
    }
    const unsigned = f.unsignedReplies === 'all' || (f.unsignedReplies === 'errors' && reply.code !== 0);
    const out = unsigned ? { ...reply, timestamp: Date.now() } : { ...reply, timestamp: Date.now(), sign: signWithKey(timestamp, this.o.signingKey) };
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(stringifyBigJson(out));
  }

  /** Applies the reply-shape faults: status spellings, and `orderId` instead of `order_id`. */
  private faultShaped(method: string, data: unknown): unknown {
    const f = this.o.faults;
    let d = respellOrderStatuses(data, f.orderStatusWire);
    if (method === 'place_order' && f.placeOrderIdKey === 'orderId' && d !== null && typeof d === 'object' && 'order_id' in d) {
      const { order_id: orderId, ...rest } = d as Record<string, unknown>;
      d = { ...rest, orderId };
    }
    return f.quantityScale > 0 ? scaleQuantities(d, f.quantityScale) : d;
  }

  /** Counts an answered `orders` query against each held place_order; runs those that are due. */
  private releaseHeld(): void {
    const due = this.held.filter((h) => --h.lookupsLeft <= 0);
    this.held = this.held.filter((h) => h.lookupsLeft > 0);
    for (const h of due) {
      try {
        h.run();
      } catch (e) {
        this.o.logger.warn('fault: held place_order failed when it ran', { error: (e as Error).message });
      }
    }
  }

  private parseEnvelope(body: string): { tigerId: string; method: string; timestamp: string; bizContent: string | undefined; deviceId: string | undefined } {
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch {
      throw commonParam('request body is not JSON');
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw commonParam('request body must be a JSON object');
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v !== 'string') throw commonParam(`field '${k}' must be a string`);
      params[k] = v;
    }
    for (const k of ['tiger_id', 'method', 'sign', 'timestamp', 'charset', 'sign_type', 'version']) {
      if (!params[k]) throw commonParam(`field '${k}' cannot be empty`);
    }
    const key = this.o.clients.get(params.tiger_id!);
    if (!key) throw commonParam(`tiger_id ${params.tiger_id} is not registered with this gateway`);
    if (!verifyWithKey(signContent(params), params.sign!, key)) {
      throw commonParam('failed to verify signature, please make sure you use the correct rsa private key');
    }
    if (!TIMESTAMP_FORMAT.test(params.timestamp!)) throw commonParam("time parse error, support time format is 'yyyy-MM-dd HH:mm:ss'");
    return { tigerId: params.tiger_id!, method: params.method!, timestamp: params.timestamp!, bizContent: params.biz_content, deviceId: params.device_id };
  }

  private throttle(tigerId: string, method: string): void {
    if (!this.o.rateLimit) return;
    const key = `${tigerId}|${method}`;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(perMinuteLimit(method), 60_000, Date.now())));
    if (b.waitMs(Date.now()) > 0) throw new GatewayError(5, `rate limit error(current limiting interface:${method}, up to ${perMinuteLimit(method)} times per minute)`, 429);
    b.consume();
  }
}
