import { RateLimitError, RequestTimeoutError, ServerError, TransportError } from './errors.ts';

/**
 * Methods that change state at the broker. They are never retried automatically: after a
 * timeout the order may exist, so the caller must look it up (protocol.md 3.6).
 */
export const NON_IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'place_order', 'modify_order', 'cancel_order', 'batch_place_order', 'order_no', 'place_forex_order',
  'transfer_fund', 'transfer_segment_fund', 'cancel_segment_fund', 'position_transfer', 'option_exercise_submit',
  'option_exercise_cancel', 'user_token_refresh', 'grab_quote_permission',
]);

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000 };

/** Whether a failed attempt of `method` may be sent again. Timeouts count only for reads. */
export function isRetryable(method: string, error: unknown): boolean {
  if (NON_IDEMPOTENT_METHODS.has(method)) return false;
  return error instanceof TransportError || error instanceof RateLimitError || error instanceof ServerError || error instanceof RequestTimeoutError;
}

/** Capped exponential backoff with full jitter; `random` is injectable for deterministic tests. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
