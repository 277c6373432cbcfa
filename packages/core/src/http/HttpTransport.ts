import type { KeyObject } from 'node:crypto';
import { stringifyBigJson } from '../json/bigJson.ts';
import { silentLogger, type Logger } from '../log/Logger.ts';
import { OncePerKeyLog } from '../log/OncePerKeyLog.ts';
import { buildRequestEnvelope, parseResponseEnvelope } from './envelope.ts';
import { isDeviceQuoteRefusal, QuotePermissionError } from '../api/quotePermission.ts';
import { OpenApiError, RequestTimeoutError, TokenError, TransportError } from './errors.ts';
import type { TokenKeeper } from './TokenKeeper.ts';

/**
 * Methods sent to the quote server (python QuoteClient uses quote_server_url for all of its
 * methods, grab/get_quote_permission included; the rest go to the trade server).
 */
export const QUOTE_METHODS: ReadonlySet<string> = new Set([
  'market_state', 'quote_real_time', 'kline', 'quote_depth', 'trade_tick', 'timeline', 'grab_quote_permission', 'get_quote_permission',
  'corporate_action',
]);
import { postText } from './postText.ts';
import { RateLimiter, systemClock, type Clock } from './RateLimiter.ts';
import { backoffDelay, DEFAULT_RETRY, isRetryable, type RetryPolicy } from './retryPolicy.ts';

export interface HttpTransportOptions {
  tigerId: string;
  privateKey: KeyObject;
  serverPublicKey: KeyObject;
  serverUrl: string;
  token?: string;
  /** The TBHK token with its expiry and refresh; wins over `token`. */
  tokenKeeper?: TokenKeeper;
  /** Quote methods go here when set (the garden's `{LICENSE}-QUOTE` URL). */
  quoteServerUrl?: string;
  language?: string;
  /** Sent as the signed top-level `device_id` (the machine's MAC address, as every SDK sends). */
  deviceId?: string;
  timeoutMs?: number;
  paperAccount?: boolean;
  retry?: RetryPolicy;
  rateLimit?: boolean;
  /** Time for request timestamps and retry back-off (wall time). */
  clock?: Clock;
  /**
   * Time the client-side rate limiter counts in: the venue's clock. Wall time against the
   * service; replay time against the embedded gateway, so limits hold per market minute at any
   * replay speed. Defaults to `clock`.
   */
  rateClock?: Clock;
  logger?: Logger;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * One signed request/response exchange with `/gateway`, with client-side rate limiting, reply
 * signature verification, and retries for idempotent reads only.
 *
 * @example
 * ```ts
 * const http = new HttpTransport({ tigerId, privateKey, serverPublicKey, serverUrl });
 * const states = await http.call('market_state', { market: 'US' });
 * ```
 */
export class HttpTransport {
  private readonly limiter: RateLimiter | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly url: URL;
  private readonly quoteUrl: URL | undefined;
  private active = 0;
  private readonly unsignedErrors: OncePerKeyLog;

  constructor(private readonly opts: HttpTransportOptions) {
    this.url = new URL(opts.serverUrl);
    this.quoteUrl = opts.quoteServerUrl ? new URL(opts.quoteServerUrl) : undefined;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
    this.unsignedErrors = new OncePerKeyLog(this.log);
    this.limiter = opts.rateLimit === false ? undefined : new RateLimiter({ paperAccount: opts.paperAccount, clock: opts.rateClock ?? this.clock });
  }

  /**
   * Calls in progress, not counting those waiting for the rate limiter: a lockstep replay moves
   * its clock on only when this is 0, and a call waiting for the next market minute must not
   * hold that clock still.
   */
  /**
   * The last verified reply's server `timestamp` (ms) with the local send and receive times, for
   * a clock-skew estimate (`pounce doctor`). Undefined before the first success.
   */
  lastReply: { serverMs: number; sentMs: number; receivedMs: number } | undefined;

  /** The client-side rate limiter's tokens available now, per bucket (empty when rate limiting is off). */
  rateLimitTokens(): Map<string, number> {
    return this.limiter?.available() ?? new Map();
  }

  get activeCalls(): number {
    return this.active;
  }

  /** Calls `method` with `biz` (snake_case keys) and returns the verified `data`. */
  async call(method: string, biz: Record<string, unknown> | undefined, options: CallOptions = {}): Promise<unknown> {
    const policy = this.opts.retry ?? DEFAULT_RETRY;
    this.active++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.once(method, biz, options);
        } catch (err) {
          if (options.signal?.aborted || attempt + 1 >= policy.maxAttempts || !isRetryable(method, err)) throw err;
          const delay = backoffDelay(attempt, policy);
          this.log.warn(`retrying ${method}`, { attempt: attempt + 1, delayMs: delay, error: (err as Error).message });
          await this.clock.sleep(delay, options.signal);
        }
      }
    } finally {
      this.active--;
    }
  }

  private async once(method: string, biz: Record<string, unknown> | undefined, options: CallOptions): Promise<unknown> {
    if (this.limiter && this.limiter.tryAcquire(method) > 0) {
      this.active--;
      try {
        await this.limiter.acquire(method, options.signal);
      } finally {
        this.active++;
      }
    }
    const token = this.opts.tokenKeeper ? this.opts.tokenKeeper.headerFor(method, this.clock.now()) : this.opts.token;
    const url = this.quoteUrl && QUOTE_METHODS.has(method) ? this.quoteUrl : this.url;
    const envelope = buildRequestEnvelope({
      tigerId: this.opts.tigerId, method, privateKey: this.opts.privateKey, nowMs: this.clock.now(),
      bizContent: biz === undefined ? undefined : stringifyBigJson(biz), language: this.opts.language, deviceId: this.opts.deviceId,
    });
    // Logged through the redacting logger: secret_key inside biz_content becomes [REDACTED].
    this.log.debug('request', { method, url: url.href, biz: envelope.biz_content, token: token ? 'present' : 'none' });
    const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs ?? 15_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8', 'user-agent': 'pounce/0.1' };
    if (token) headers.authorization = token;
    let status: number;
    let text: string;
    const sentMs = Date.now();
    try {
      ({ status, text } = await postText(url, JSON.stringify(envelope), headers, signal));
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted) throw new RequestTimeoutError(`${method}: no reply within ${timeoutMs} ms`, method);
      throw new TransportError(`${method}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`, method);
    }
    if (status >= 500) throw new TransportError(`${method}: HTTP ${status}`, method, status);
    try {
      const reply = parseResponseEnvelope(text, envelope.timestamp!, this.opts.serverPublicKey, method, (code, message) =>
        this.unsignedErrors.warn(method, 'error reply without sign accepted as an error (as the official SDKs do); unsigned success replies are still refused', { method, code, message }),
      );
      if (reply.timestamp > 0) this.lastReply = { serverMs: reply.timestamp, sentMs, receivedMs: Date.now() };
      return reply.data;
    } catch (err) {
      if (isDeviceQuoteRefusal(err)) throw new QuotePermissionError(err.code, err.serverMessage, method, this.opts.deviceId);
      if (err instanceof TokenError && token) {
        const t = this.opts.tokenKeeper?.current;
        throw new TokenError(err.code, `${err.serverMessage} (the TBHK token was refused${t ? `; it expires ${new Date(t.expiresAt).toISOString()}` : ''}. ` +
          'Fix: download a new tiger_openapi_token.properties from the developer portal; token_refresh_duration lets Pounce refresh it before expiry)', method);
      }
      if (err instanceof OpenApiError) throw err;
      throw new TransportError(`${method}: ${(err as Error).message}`, method, status);
    }
  }
}
