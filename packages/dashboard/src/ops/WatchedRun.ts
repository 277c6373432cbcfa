import type { Observable } from 'rxjs';
import type { ConnectionState } from '@pounce/core';
import type { TradingEngine } from '@pounce/runtime';

/** One strategy of a run, under the label its metrics and notifications carry. */
export interface WatchedStrategy {
  /** A node's strategy tag; the strategy command's strategy name. */
  label: string;
  engine: TradingEngine;
}

/**
 * What the operations side (health, metrics, notifications) reads of a running strategy or node:
 * the same shape for `npm run strategy` (one strategy) and `npm run node` (many), so one piece of
 * code serves both.
 */
export interface WatchedRun {
  /** The strategies running now (a node's operator may stop and start one): read it each time, keep no copy. */
  strategies(): readonly WatchedStrategy[];
  /** Emits when `strategies()` changed (a node's strategy stopped or started again): per-engine subscriptions are made again. */
  strategiesChanged$?: Observable<unknown>;
  /** The venue's push connection. */
  connection$: Observable<ConnectionState>;
  /** The account-wide halt of a node (its account risk), if any. */
  accountHalt?(): string | undefined;
  /** The account's equity as the venue last reported it (a node). */
  accountEquity?(): number | undefined;
  /** The client rate limiter's tokens available now, per bucket. */
  rateLimitTokens?(): ReadonlyMap<string, number>;
  /** The venue time (ms) each event push carried, as it is read. */
  eventTimes$?: Observable<number>;
  /**
   * The clock a push's receipt is read on, ms: wall time for a real account; the replay clock on
   * the embedded gateway, whose pushes carry replayed (historical) venue times.
   */
  receiptNow(): number;
}
