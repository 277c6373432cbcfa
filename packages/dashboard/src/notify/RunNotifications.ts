import type { Subscription } from 'rxjs';
import type { ConnectionStateName } from '@pounce/core';
import type { TradingEngine } from '@pounce/runtime';
import type { WatchedRun } from '../ops/WatchedRun.ts';
import type { Notification } from './Notification.ts';

/** Anything that takes notifications (a `WebhookNotifier`). */
export interface NotificationSink {
  notify(n: Notification): void;
}

const now = () => new Date().toISOString();

/**
 * Turns a run's events into notifications: every fill (as the strategy's engine books it, each
 * once, on the engine it runs on now: a node's strategy stopped and started again is watched on its
 * new engine), each halt of a strategy or of the account (when it starts), a push disconnect and the
 * reconnect after it. Errors come from the run's error log lines (`notifyingLogger`). Halts have
 * no event stream of their own: they are read from the run's status every `pollMs`, after
 * every fill and at `stop`.
 *
 * @example
 * ```ts
 * const watch = new RunNotifications(run, notifier);
 * // ... the run ...
 * watch.stop();
 * ```
 */
export class RunNotifications {
  private readonly subs: Subscription[] = [];
  /** The fills subscription of each strategy's engine, by label. */
  private readonly fills = new Map<string, { engine: TradingEngine; sub: Subscription }>();
  private readonly halts = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private lastState: ConnectionStateName | undefined;
  private down = false;

  constructor(private readonly run: WatchedRun, private readonly sink: NotificationSink, pollMs = 1000) {
    this.watchFills();
    // A node's strategy stopped and started again runs on a new engine: its fills are watched there.
    if (run.strategiesChanged$) this.subs.push(run.strategiesChanged$.subscribe(() => this.watchFills()));
    this.subs.push(run.connection$.subscribe((c) => {
      const was = this.lastState;
      this.lastState = c.state;
      if (c.state === was) return;
      if (was === 'connected' && (c.state === 'reconnecting' || c.state === 'kicked-out' || c.state === 'closed')) {
        this.down = true;
        sink.notify({ kind: 'disconnect', time: now(), text: `push connection ${c.state}${c.reason ? `: ${c.reason}` : ''}`, details: { state: c.state } });
      } else if (c.state === 'connected' && this.down) {
        this.down = false;
        sink.notify({ kind: 'reconnect', time: now(), text: `push connection back (connection ${c.sessions})`, details: { sessions: c.sessions } });
      }
    }));
    this.timer = setInterval(() => this.checkHalts(), pollMs);
    this.timer.unref();
    this.checkHalts();
  }

  /** Subscribes to the fills of each engine running now, once each; drops the subscriptions of engines gone. */
  private watchFills(): void {
    const current = new Map(this.run.strategies().map((s) => [s.label, s.engine]));
    for (const [label, watched] of this.fills) {
      if (current.get(label) === watched.engine) continue;
      watched.sub.unsubscribe();
      this.fills.delete(label);
    }
    for (const [label, engine] of current) {
      if (this.fills.has(label)) continue;
      this.fills.set(label, {
        engine,
        sub: engine.execution.fills$.subscribe((f) => {
          this.sink.notify({
            kind: 'fill', time: now(), strategy: label, text: `${f.action} ${f.quantity} ${f.symbol} @ ${f.price}`,
            details: { fillId: f.id, orderId: f.orderId, symbol: f.symbol, side: f.action, quantity: f.quantity, price: f.price, venueTime: f.time },
          });
          this.checkHalts();
        }),
      });
    }
  }

  private checkHalts(): void {
    const current = new Map<string, string>();
    for (const s of this.run.strategies()) {
      const h = s.engine.status().halted;
      if (h !== undefined) current.set(s.label, h);
    }
    const account = this.run.accountHalt?.();
    if (account !== undefined) current.set('', account);
    for (const [who, text] of current) {
      if (this.halts.get(who) === text) continue;
      this.halts.set(who, text);
      this.sink.notify({ kind: 'halt', time: now(), ...(who ? { strategy: who } : {}), text: `halted: ${text}`, details: { scope: who ? 'strategy' : 'account' } });
    }
    for (const who of [...this.halts.keys()]) if (!current.has(who)) this.halts.delete(who);
  }

  /**
   * Stops watching. Call it before the run stops its venue: the connection's own close at the
   * end is not a disconnect.
   */
  stop(): void {
    if (this.subs.length === 0) return;
    // A halt since the last poll is still told.
    this.checkHalts();
    clearInterval(this.timer);
    for (const s of this.subs.splice(0)) s.unsubscribe();
    for (const { sub } of this.fills.values()) sub.unsubscribe();
    this.fills.clear();
  }
}
