import { redact, registerSecret, silentLogger, type Logger } from '@pounce/core';
import type { NotificationCounts } from '../ops/RunMetrics.ts';
import type { Notification } from './Notification.ts';
import { webhookBody, type WebhookTarget } from './webhookPresets.ts';

export interface WebhookNotifierOptions {
  targets: readonly WebhookTarget[];
  /** Notifications waiting per webhook; past it the oldest waiting is dropped (and counted). Default 1000. */
  maxQueue?: number;
  /** Attempts per notification (the first included). Default 5. */
  attempts?: number;
  /** First retry delay, ms; doubled on every retry up to `maxBackoffMs`. Default 1000. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** One request's time limit, ms. Default 10 000. */
  timeoutMs?: number;
  logger?: Logger;
}

interface Queue {
  target: WebhookTarget;
  /** Its name in logs: the preset and its position, never the URL (it carries the bot token or hook secret). */
  name: string;
  items: Notification[];
  busy: boolean;
}

/**
 * Sends notifications to webhooks without ever slowing the run: `notify` only queues (a bounded
 * queue per webhook; when full the oldest is dropped and counted), each webhook is sent to by its
 * own loop, one request at a time, with a time limit and retries with exponential backoff on a
 * network error, a 429 or a 5xx. A dead webhook only fills its own queue.
 *
 * Webhook URLs carry credentials (a Telegram bot token, a Slack hook secret): they are registered
 * as secrets, so no log line shows them, and each body is redacted before it leaves.
 *
 * @example
 * ```ts
 * const notifier = new WebhookNotifier({ targets: [{ url: 'https://hooks.slack.com/services/T/B/X', preset: 'slack' }] });
 * notifier.notify({ kind: 'halt', time: new Date().toISOString(), strategy: 'fast', text: 'daily loss limit reached' });
 * await notifier.close(5000);
 * ```
 */
export class WebhookNotifier {
  private readonly queues: Queue[];
  private readonly log: Logger;
  private closed = false;
  private readonly counts: NotificationCounts = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  /** Retry waits in progress: `close` ends them, so a failing webhook gives up at once. */
  private readonly waits = new Set<() => void>();
  private readonly idle = new Set<() => void>();
  /** Aborted when `close`'s grace ends: a request still out then is cut off, not left to its own time limit. */
  private readonly cut = new AbortController();

  constructor(private readonly o: WebhookNotifierOptions) {
    this.log = o.logger ?? silentLogger;
    for (const t of o.targets) registerSecret(t.url);
    this.queues = o.targets.map((target, k) => ({ target, name: `${target.preset} webhook #${k + 1}`, items: [], busy: false }));
  }

  /** Sent, failed (after every attempt), dropped (queue full) and retried so far, over all webhooks. */
  get stats(): NotificationCounts {
    return { ...this.counts };
  }

  /** Queues `n` for every webhook and returns at once. */
  notify(n: Notification): void {
    if (this.closed) return;
    for (const q of this.queues) {
      q.items.push(n);
      if (q.items.length - (q.busy ? 1 : 0) > (this.o.maxQueue ?? 1000)) {
        // The oldest waiting one; the one being sent (first while busy) stays.
        q.items.splice(q.busy ? 1 : 0, 1);
        this.counts.dropped++;
      }
      if (!q.busy) void this.drain(q);
    }
  }

  private async drain(q: Queue): Promise<void> {
    q.busy = true;
    while (q.items.length > 0) {
      const n = q.items[0]!;
      // Cut off at close: it stays queued, and close counts it dropped with the rest.
      if ((await this.deliver(q, n)) === 'cut off') break;
      // close() may have emptied the queue meanwhile.
      if (q.items[0] === n) q.items.shift();
    }
    q.busy = false;
    if (this.queues.every((x) => !x.busy)) for (const f of this.idle) f();
  }

  private async deliver(q: Queue, n: Notification): Promise<'done' | 'cut off'> {
    const attempts = this.o.attempts ?? 5;
    let delay = this.o.backoffMs ?? 1000;
    // Strings redacted before serialization (a secret inside JSON text would be escaped past redact's patterns), and the body after.
    const safe: Notification = { ...n, text: redact(n.text), ...(n.details ? { details: Object.fromEntries(Object.entries(n.details).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v])) } : {}) };
    const body = redact(JSON.stringify(webhookBody(q.target, safe)));
    for (let attempt = 1; ; attempt++) {
      let why: string;
      try {
        const res = await fetch(q.target.url, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs ?? 10_000), this.cut.signal]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.counts.sent++;
          return 'done';
        }
        why = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) {
          this.counts.failed++;
          this.log.warn(`${q.name} refused a notification; not retried`, { status: res.status, kind: n.kind });
          return 'done';
        }
      } catch (e) {
        if (this.cut.signal.aborted) return 'cut off';
        why = (e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message;
      }
      if (attempt >= attempts || this.closed) {
        this.counts.failed++;
        this.log.warn(`${q.name} failed; notification given up`, { kind: n.kind, attempts: attempt, error: why });
        return 'done';
      }
      this.counts.retries++;
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.o.maxBackoffMs ?? 60_000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.waits.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      t.unref();
      this.waits.add(wake);
    });
  }

  /** Resolves when no webhook is being sent to, or after `timeoutMs` if given. */
  private whenIdle(timeoutMs?: number): Promise<void> {
    if (this.queues.every((q) => !q.busy)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.idle.delete(done);
        resolve();
      };
      const t = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      t?.unref();
      this.idle.add(done);
    });
  }

  /**
   * Stops taking notifications and waits up to `graceMs` for the queues to empty (the last
   * fills are worth sending): each queued notification gets one more attempt, no retry. Then a
   * request still out is aborted, so nothing of the notifier (a request timing out, its log
   * line) outlives `close`; what is still queued, the aborted one included, is dropped and counted.
   */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waits]) wake();
    await this.whenIdle(graceMs);
    if (this.queues.some((q) => q.busy)) {
      this.cut.abort();
      // Each loop ends at once: its request rejects on the abort.
      await this.whenIdle();
    }
    for (const q of this.queues) {
      const dropped = q.items.splice(0).length;
      this.counts.dropped += dropped;
      if (dropped > 0) this.log.warn(`${q.name}: ${dropped} notification(s) not sent before the close`, { dropped });
    }
  }
}
