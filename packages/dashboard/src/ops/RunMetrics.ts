import type { Subscription } from 'rxjs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionState } from '@pounce/core';
import type { WatchedRun } from './WatchedRun.ts';

/** Counts a notifier keeps, read at scrape time (see `WebhookNotifier.counts`). */
export interface NotificationCounts {
  sent: number;
  failed: number;
  dropped: number;
  retries: number;
}

/** Push-lag histogram buckets, seconds: a healthy stream is well under a second. */
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

/**
 * A run's Prometheus metrics (prom-client, in a registry of its own): orders, fills, rejections
 * and strategy errors per strategy (counters, equal to the engine's counts, which are the
 * journal's), P&L and equity per strategy, reconnects, connection and halts, push lag, the rate
 * limiter's tokens, notifications, and the process's own figures (memory, CPU, event loop).
 * Counts are read from the run when Prometheus scrapes, so nothing is added to the trading path.
 *
 * @example
 * ```ts
 * const metrics = new RunMetrics(run);
 * const text = await metrics.text(); // Prometheus text format
 * metrics.stop();
 * ```
 */
export class RunMetrics {
  readonly registry = new Registry();
  private readonly subs: Subscription[] = [];
  private connection: ConnectionState = { state: 'idle', sessions: 0 };
  private lastPushAt: number | undefined;
  private notifications: (() => NotificationCounts) | undefined;

  constructor(private readonly run: WatchedRun) {
    const registers = [this.registry];
    const strategies = () => run.strategies();
    const perStrategy = (name: string, help: string, read: (s: ReturnType<typeof strategies>[number]) => number) =>
      new Counter({
        name, help, labelNames: ['strategy'], registers,
        collect() {
          this.reset();
          for (const s of strategies()) this.inc({ strategy: s.label }, read(s));
        },
      });
    perStrategy('pounce_orders_total', 'Orders sent to the venue (journal intents), per strategy', (s) => s.engine.execution.orderCount);
    perStrategy('pounce_fills_total', 'Fills booked (each once), per strategy', (s) => s.engine.execution.fillCount);
    perStrategy('pounce_rejections_total', 'Orders refused (risk, venue rules, buying power), per strategy', (s) => s.engine.execution.rejectedCount);
    perStrategy('pounce_strategy_errors_total', 'Exceptions thrown by strategy code, per strategy', (s) => s.engine.status().strategyErrors);
    const gauge = (name: string, help: string, collect: (g: Gauge) => void, labelNames: string[] = []) =>
      new Gauge({ name, help, labelNames, registers, collect() { this.reset(); collect(this); } });
    gauge('pounce_pnl', 'P&L of the strategy\'s book since its start, account currency', (g) => {
      for (const s of strategies()) g.set({ strategy: s.label }, s.engine.status().pnl);
    }, ['strategy']);
    gauge('pounce_equity', 'Equity of the strategy\'s book, account currency', (g) => {
      for (const s of strategies()) g.set({ strategy: s.label }, s.engine.status().equity);
    }, ['strategy']);
    gauge('pounce_halted', '1 while the strategy halts new exposure', (g) => {
      for (const s of strategies()) g.set({ strategy: s.label }, s.engine.status().halted === undefined ? 0 : 1);
    }, ['strategy']);
    gauge('pounce_open_orders', 'Orders working at the venue, per strategy', (g) => {
      for (const s of strategies()) g.set({ strategy: s.label }, s.engine.status().openOrders);
    }, ['strategy']);
    if (run.accountHalt) gauge('pounce_account_halted', '1 while the account-wide risk halts new exposure (a node)', (g) => g.set(run.accountHalt!() === undefined ? 0 : 1));
    if (run.accountEquity) {
      gauge('pounce_account_equity', 'The account\'s equity as the venue last reported it (a node)', (g) => {
        const e = run.accountEquity!();
        if (e !== undefined) g.set(e);
      });
    }
    gauge('pounce_connected', '1 while the push connection is connected', (g) => g.set(this.connection.state === 'connected' ? 1 : 0));
    const total = (name: string, help: string, read: () => number) =>
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
    total('pounce_reconnects_total', 'Push reconnects (connections after the first)', () => Math.max(0, this.connection.sessions - 1));
    gauge('pounce_rate_limit_tokens', 'Requests the client rate limiter lets through now, per bucket (a method, or paper-writes)', (g) => {
      for (const [bucket, n] of run.rateLimitTokens?.() ?? []) g.set({ bucket }, n);
    }, ['bucket']);
    const lag = new Histogram({ name: 'pounce_push_lag_seconds', help: 'Seconds between an event push\'s venue time and its receipt', buckets: LAG_BUCKETS, registers });
    gauge('pounce_push_age_seconds', 'Seconds since the last event push was read (wall time; absent before the first)', (g) => {
      if (this.lastPushAt !== undefined) g.set((Date.now() - this.lastPushAt) / 1000);
    });
    total('pounce_notifications_sent_total', 'Notifications a webhook accepted', () => this.notifications?.().sent ?? 0);
    total('pounce_notifications_failed_total', 'Notifications given up after their retries', () => this.notifications?.().failed ?? 0);
    total('pounce_notifications_dropped_total', 'Notifications dropped because a webhook\'s queue was full', () => this.notifications?.().dropped ?? 0);
    total('pounce_notifications_retries_total', 'Webhook requests retried', () => this.notifications?.().retries ?? 0);
    collectDefaultMetrics({ register: this.registry, prefix: 'pounce_' });
    this.subs.push(run.connection$.subscribe((c) => (this.connection = c)));
    if (run.eventTimes$) {
      this.subs.push(run.eventTimes$.subscribe((t) => {
        this.lastPushAt = Date.now();
        lag.observe(Math.max(0, run.receiptNow() - t) / 1000);
      }));
    }
  }

  /** Counts of the run's notifier, reported as `pounce_notifications_*`. */
  countNotifications(read: () => NotificationCounts): void {
    this.notifications = read;
  }

  /** Seconds since the last event push was read; undefined before the first. */
  get lastPushAgeSeconds(): number | undefined {
    return this.lastPushAt === undefined ? undefined : (Date.now() - this.lastPushAt) / 1000;
  }

  get connectionState(): ConnectionState {
    return this.connection;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  stop(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.registry.clear();
  }
}
