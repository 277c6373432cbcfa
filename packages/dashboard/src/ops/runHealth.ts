import type { RunMetrics } from './RunMetrics.ts';
import type { WatchedRun } from './WatchedRun.ts';

/** The body of `/healthz`. */
export interface RunHealth {
  healthy: boolean;
  /** The push connection is up. */
  connected: boolean;
  connection: string;
  /** Strategy label -> halt text, for each strategy that halts new exposure; `account` for a node's account-wide halt. */
  halted: Record<string, string>;
  /** Seconds since the last event push was read; null before the first (a quiet market sends none, so it does not decide health). */
  lastPushAgeSeconds: number | null;
  reconnects: number;
}

/**
 * Healthy means: the push connection is up and nothing halts new exposure. A halted run is
 * alive but no longer trading as configured, which an operator must look at.
 */
export function runHealth(run: WatchedRun, metrics: RunMetrics): RunHealth {
  const halted: Record<string, string> = {};
  for (const s of run.strategies()) {
    const h = s.engine.status().halted;
    if (h !== undefined) halted[s.label] = h;
  }
  const account = run.accountHalt?.();
  if (account !== undefined) halted.account = account;
  const c = metrics.connectionState;
  const connected = c.state === 'connected';
  const age = metrics.lastPushAgeSeconds;
  return {
    healthy: connected && Object.keys(halted).length === 0, connected, connection: c.state, halted,
    lastPushAgeSeconds: age === undefined ? null : Math.round(age * 1000) / 1000, reconnects: Math.max(0, c.sessions - 1),
  };
}
