/**
 * A token bucket refilled continuously: `capacity` tokens per `windowMs`.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(readonly capacity: number, readonly windowMs: number, now: number) {
    this.tokens = capacity;
    this.last = now;
  }

  /** ms until one token is available (0 = available now). Does not take it. */
  waitMs(now: number): number {
    const rate = this.capacity / this.windowMs;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * rate);
    this.last = now;
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / rate);
  }

  /** Tokens that could be taken now (refilled up to `now`, not taken). */
  available(now: number): number {
    this.waitMs(now);
    return this.tokens;
  }

  consume(): void {
    this.tokens -= 1;
  }
}
