import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, readPrivateToken, registerSecret, RotatingLogFile, type Logger } from '@pounce/core';
import { notifyingLogger, opsRoutes, OpsServer, RunMetrics, RunNotifications, WebhookNotifier, type DashboardServer, type WatchedRun } from '@pounce/dashboard';
import type { OpsSettings } from './opsOptions.ts';

/**
 * Reads the token from `path`, or writes a new one there (readable by its owner only). A file
 * another user owns or may read is refused, as `ctl` refuses its token file: the token is no
 * secret then.
 */
function tokenFrom(path: string): string {
  const p = resolve(path);
  if (existsSync(p)) return readPrivateToken(p, '--metrics-token-file');
  const t = randomBytes(16).toString('hex');
  writeFileSync(p, t + '\n', { mode: 0o600, flag: 'wx' });
  return t;
}

/**
 * What `strategy` and `node` share for running unattended, in one place: the log (text or JSON,
 * stderr or a rotated file), `/healthz` and `/metrics` (on the dashboard and/or `--metrics-port`),
 * and webhook notifications. `open` runs before the venue (a busy port, a bad token file stop
 * the start with nothing traded); `watch` once the run has started; `stopWatching` before the run
 * stops its venue; `close` at the very end.
 */
export class RunOps {
  /** The token of the dashboard and the metrics routes. */
  readonly token: string;
  private server: OpsServer | undefined;
  private readonly file: RotatingLogFile | undefined;
  readonly notifier: WebhookNotifier | undefined;
  private metrics: RunMetrics | undefined;
  private notifications: RunNotifications | undefined;
  private readonly log: Logger;

  private constructor(readonly settings: OpsSettings) {
    this.token = settings.tokenFile ? tokenFrom(settings.tokenFile) : randomBytes(16).toString('hex');
    // A token kept in a file outlives the run: no line may show it. A per-run token is printed, as the dashboard's URL always was.
    if (settings.tokenFile) registerSecret(this.token);
    this.file = settings.logFile ? new RotatingLogFile(settings.logFile) : undefined;
    this.log = this.baseLogger('ops');
    this.notifier = settings.webhooks.length ? new WebhookNotifier({ targets: settings.webhooks, logger: this.log }) : undefined;
  }

  static async open(settings: OpsSettings, onServerError: (e: Error) => void): Promise<RunOps> {
    const ops = new RunOps(settings);
    if (settings.metricsPort !== undefined) {
      try {
        ops.server = await OpsServer.listen({ port: settings.metricsPort, token: ops.token, onError: onServerError });
      } catch (e) {
        ops.file?.close();
        throw e;
      }
    }
    return ops;
  }

  private baseLogger(scope: string): Logger {
    const { level, format } = this.settings;
    const file = this.file;
    return createLogger({ level, format, scope, ...(file ? { write: (l: string) => file.write(l) } : {}) });
  }

  /** The run's logger for `scope` (a strategy, `venue`, `node`): its error lines also notify. */
  loggerFor(scope: string, strategy?: string): Logger {
    const log = this.baseLogger(scope);
    return this.notifier ? notifyingLogger(log, this.notifier, strategy) : log;
  }

  /** Where the metrics are served, for the start lines (the token itself is not printed when it lives in a file). */
  describe(dashboard: DashboardServer | undefined): string[] {
    const lines: string[] = [];
    const auth = this.settings.tokenFile ? `Authorization: Bearer <token in ${this.settings.tokenFile}>` : `Authorization: Bearer ${this.token}`;
    if (this.server) lines.push(`metrics    ${this.server.url}/metrics and /healthz (${auth})`);
    else if (dashboard) lines.push(`metrics    http://127.0.0.1:${dashboard.port}/metrics and /healthz (${auth})`);
    if (this.settings.logFile) lines.push(`log        ${resolve(this.settings.logFile.path)} (${this.settings.format}, rotated at ${this.settings.logFile!.maxBytes} bytes, ${this.settings.logFile!.keep} files kept)`);
    if (this.notifier) lines.push(`notify     ${this.settings.webhooks.map((w) => w.preset).join(', ')} webhook(s): fills, halts, disconnects, errors`);
    return lines;
  }

  /** Starts the metrics, health routes and notifications of a started run. */
  watch(run: WatchedRun, dashboard?: DashboardServer): void {
    const notifier = this.notifier;
    if (notifier) this.notifications = new RunNotifications(run, notifier);
    // Metrics only where they are served: a run without a port or page keeps none.
    if (!this.server && !dashboard) return;
    this.metrics = new RunMetrics(run);
    if (notifier) this.metrics.countNotifications(() => notifier.stats);
    const routes = opsRoutes(run, this.metrics);
    this.server?.mount(routes);
    dashboard?.mount(routes);
  }

  /** Stops notifying (before the run stops its venue: that close is no disconnect). Metrics stay served. */
  stopWatching(): void {
    this.notifications?.stop();
  }

  /** Sends what is queued (up to `graceMs`), closes the metrics port and the log file. */
  async close(graceMs = 5000): Promise<void> {
    this.notifications?.stop();
    await this.notifier?.close(graceMs);
    await this.server?.stop();
    this.metrics?.stop();
    this.file?.close();
  }
}
