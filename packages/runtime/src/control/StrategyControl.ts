import type { ClosingOrder } from '../execution/ExecutionEngine.ts';
import { pausedText, type TradingEngine } from '../TradingEngine.ts';

/** Where an operator's action came from: `pounce ctl` or a dashboard button. Journaled with it. */
export type ControlSource = 'ctl' | 'dashboard';

/**
 * What an operator can do to one strategy at run time:
 * - `pause`: no new exposure; orders that only reduce a position, and cancels, still pass (a
 *   strategy's refused orders are journaled as rejected, `trading halted: paused by ctl`). Held
 *   across a resume of the run until `resume`.
 * - `resume`: undoes a pause (not a halt: a daily-loss or kill-switch halt lasts the run).
 * - `flatten`: cancels its open orders and closes its positions with market orders, through its own
 *   engine (its orders carry its tag). It does not pause: pause first to keep it flat.
 * - `stop`: cancels its open orders and stops its engine; its positions are kept at the venue.
 * - `start`: starts a stopped strategy again, resuming from its journal.
 */
export type StrategyAction = 'pause' | 'resume' | 'flatten' | 'stop' | 'start';

export const STRATEGY_ACTIONS: readonly StrategyAction[] = ['pause', 'resume', 'flatten', 'stop', 'start'];

/** How an action ended, for the operator (ctl prints it, the dashboard shows it) and the journal. */
export interface ControlOutcome {
  ok: boolean;
  text: string;
}

/** The actions one engine carries out by itself (`stop` and `start` belong to whoever runs it). */
export type EngineAction = 'pause' | 'resume' | 'flatten' | 'cancel';

/**
 * Carries out `action` on a running engine and journals it (`control` line: action, who, outcome).
 *
 * @example
 * ```ts
 * const r = await controlEngine(engine, 'pause', 'ctl'); // { ok: true, text: 'paused: ...' }
 * ```
 */
export async function controlEngine(engine: TradingEngine, action: EngineAction, by: ControlSource): Promise<ControlOutcome> {
  // An action that throws (the venue failing a cancel) is an outcome too: answered and journaled, never a crash.
  const r = await carryOut(engine, action, by).catch((e: unknown): ControlOutcome => ({ ok: false, text: `${action} failed: ${e instanceof Error ? e.message : String(e)}` }));
  try {
    engine.journal.append({ t: Date.now(), e: 'control', action, by, ok: r.ok, outcome: r.text });
  } catch {
    // The journal closed under us: the run stopped meanwhile; the caller's journal still records it.
  }
  engine.log.warn(`${action} by ${by}: ${r.text}`);
  return r;
}

async function carryOut(engine: TradingEngine, action: EngineAction, by: ControlSource): Promise<ControlOutcome> {
  const risk = engine.risk;
  switch (action) {
    case 'pause':
      if (risk.paused) return { ok: true, text: `already ${risk.paused}` };
      risk.pause(pausedText(by));
      return { ok: true, text: 'paused: no new orders; orders that reduce a position and cancels still pass' };
    case 'resume': {
      if (!risk.paused) return { ok: false, text: 'not paused' };
      risk.unpause();
      const halt = risk.haltReason;
      return { ok: true, text: halt ? `resumed, but still halted: ${halt}` : 'resumed: new orders allowed' };
    }
    case 'flatten': {
      const open = engine.execution.openOrders.length;
      const outcomes = await engine.flatten();
      const what = ({ intent: i }: ClosingOrder) => `${i.side} ${i.quantity} ${i.symbol}`;
      const sent = outcomes.filter((c) => c.outcome.rejected === undefined).map(what);
      const refused = outcomes.filter((c) => c.outcome.rejected !== undefined).map((c) => `${what(c)} refused (${c.outcome.rejected!})`);
      const parts = [`cancelled ${open} open order(s)`];
      if (sent.length > 0) parts.push(`market orders sent: ${sent.join(', ')}`);
      if (refused.length > 0) parts.push(`NOT closed: ${refused.join(', ')}`);
      if (outcomes.length === 0) parts.push('no position to close');
      return { ok: refused.length === 0, text: parts.join('; ') };
    }
    case 'cancel': {
      const n = await engine.execution.cancelAll();
      return { ok: true, text: `${n} cancel request(s) sent` };
    }
  }
}
