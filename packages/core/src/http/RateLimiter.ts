import { PAPER_WRITE_METHODS, perMinuteLimit } from './rateLimits.ts';
import { TokenBucket } from './TokenBucket.ts';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Client-side throttle per method (120/60/10 per minute), so we wait rather than get the
 * tiger_id blacklisted. Paper accounts also share one bucket for place/modify/cancel.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ paperAccount: true });
 * await limiter.acquire('place_order');
 * ```
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly opts: { paperAccount?: boolean; clock?: Clock; windowMs?: number } = {}) {}

  private bucket(key: string, capacity: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(capacity, this.opts.windowMs ?? 60_000, this.clock.now())));
    return b;
  }

  private get clock(): Clock {
    return this.opts.clock ?? systemClock;
  }

  /** ms to wait before `method` may be sent (0 = go now, and a token is taken from each bucket). */
  tryAcquire(method: string): number {
    const now = this.clock.now();
    const buckets = [this.bucket(method, perMinuteLimit(method))];
    if (this.opts.paperAccount && PAPER_WRITE_METHODS.has(method)) buckets.push(this.bucket('paper-writes', 120));
    const wait = Math.max(...buckets.map((b) => b.waitMs(now)));
    if (wait === 0) for (const b of buckets) b.consume();
    return wait;
  }

  /**
   * Tokens available now in every bucket used so far (by method, and `paper-writes` for a paper
   * account's shared place/modify/cancel budget): how close the client is to waiting.
   */
  available(): Map<string, number> {
    const now = this.clock.now();
    return new Map([...this.buckets].map(([k, b]) => [k, b.available(now)]));
  }

  async acquire(method: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.tryAcquire(method);
      if (wait === 0) return;
      await this.clock.sleep(wait, signal);
    }
  }
}
