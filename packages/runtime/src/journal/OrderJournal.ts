import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { readJsonLines } from '@pounce/core';
import { join } from 'node:path';
import type { Fill, Order, OrderRequest } from '@pounce/core';
import type { RiskLimits } from '../risk/RiskEngine.ts';

/**
 * What a replay needs to know about the venue a run traded on: its fill model and, for a venue
 * that replays files (the embedded gateway), the market it replayed.
 */
export interface RunVenueModel {
  /** `tradeup`, `zero` or `per-share:<amount>` (as `--fees`). */
  fees?: string;
  participation?: number;
  slippageBps?: number;
  cash?: number;
  /** `SYMBOL=file` data the venue replayed, or the synthetic market it generated. */
  data?: string[];
  synthetic?: { symbols: string[]; bars: number; seed: number };
}

/**
 * One journal line. Written before the action it records takes effect, so nothing is lost. `vt`
 * is the venue's time when the line was written (replay time on a replaying venue).
 */
export type JournalEntry = (
  | { t: number; e: 'run'; strategy: string; params: Record<string, unknown>; venue: string; account: string; symbols: string[]; since: number; risk?: RiskLimits; model?: RunVenueModel }
  | { t: number; e: 'intent'; cid: string; req: OrderRequest }
  | { t: number; e: 'accepted'; cid: string; orderId: string }
  /** `req`: the refused order (a refusal before sending has no intent line); absent in older journals. */
  | { t: number; e: 'rejected'; cid: string; reason: string; req?: OrderRequest }
  | { t: number; e: 'order'; order: Order }
  | { t: number; e: 'fill'; fill: Fill }
  | { t: number; e: 'state'; state: Record<string, unknown> }
  | { t: number; e: 'note'; text: string }
) & { vt?: number };

/** Where a run records what happened. */
export interface Journal {
  readonly dir: string;
  readonly path: string;
  append(entry: JournalEntry): void;
  close(): void;
}

/** Records nothing: for backtests and sweeps, whose results live in the report instead. */
export class NullJournal implements Journal {
  constructor(readonly dir: string) {}
  readonly path = '';
  append(): void {}
  close(): void {}
}

/**
 * Append-only order/fill journal, one JSON line per event, written with a synchronous write per
 * event (and fsync when asked), so a kill -9 loses at most the line being written; a torn last
 * line is skipped on read.
 *
 * @example
 * ```ts
 * const j = OrderJournal.open('.pounce/runs/2026-11-24T18-00-00-sma-cross');
 * j.append({ t: Date.now(), e: 'note', text: 'hello' });
 * ```
 */
export class OrderJournal implements Journal {
  private fd: number | undefined;

  private constructor(readonly dir: string, readonly path: string, private readonly fsync: boolean, private readonly clock: (() => number) | undefined) {
    this.fd = openSync(path, 'a', 0o600);
  }

  /**
   * Opens the run's journal; refuses a folder that another live process is writing. With `clock`
   * (the venue's time), every line carries `vt`: what a replay lines decisions up by.
   */
  static open(dir: string, opts: { fsync?: boolean; clock?: () => number } = {}): OrderJournal {
    mkdirSync(dir, { recursive: true });
    lockRunDir(dir);
    return new OrderJournal(dir, join(dir, 'journal.jsonl'), opts.fsync ?? false, opts.clock);
  }

  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error('journal is closed');
    writeSync(this.fd, JSON.stringify(this.clock ? { ...entry, vt: this.clock() } : entry) + '\n');
    if (this.fsync) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(join(this.dir, 'LOCK'), { force: true });
  }

  /** Every complete entry; an unparseable line ends the read (torn write at crash). */
  static read(dir: string): JournalEntry[] {
    return readJsonLines<JournalEntry>(join(dir, 'journal.jsonl'));
  }
}

/** Thrown when a run folder is already being written by a live process. */
export class RunDirLockedError extends Error {
  override readonly name = 'RunDirLockedError';
}

/**
 * Takes the run folder's LOCK (our pid). A lock left by a process that no longer exists (a crash)
 * is taken over; one held by a live process is refused: two writers would double-count fills.
 */
function lockRunDir(dir: string): void {
  const lock = join(dir, 'LOCK');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (alive) throw new RunDirLockedError(`run folder ${dir} is in use by process ${pid}; stop it first (or use another --run-dir)`);
  }
  writeFileSync(lock, String(process.pid));
}

/** What a journal says about a run: for resuming it and for summaries. */
export interface JournalState {
  run: Extract<JournalEntry, { e: 'run' }> | undefined;
  fills: Map<string, Fill>;
  /** clientOrderId -> venue order id (undefined: sent, outcome unknown). */
  intents: Map<string, { req: OrderRequest; orderId: string | undefined; rejected?: string }>;
  orders: Map<string, Order>;
  state: Record<string, unknown>;
}

export function replayJournal(entries: readonly JournalEntry[]): JournalState {
  const s: JournalState = { run: undefined, fills: new Map(), intents: new Map(), orders: new Map(), state: {} };
  for (const e of entries) {
    switch (e.e) {
      case 'run':
        s.run ??= e;
        break;
      case 'intent':
        s.intents.set(e.cid, { req: e.req, orderId: undefined });
        break;
      case 'accepted': {
        const i = s.intents.get(e.cid);
        if (i) i.orderId = e.orderId;
        break;
      }
      case 'rejected': {
        const i = s.intents.get(e.cid);
        if (i) i.rejected = e.reason;
        break;
      }
      case 'order':
        s.orders.set(e.order.id, e.order);
        break;
      case 'fill':
        s.fills.set(e.fill.id, e.fill);
        break;
      case 'state':
        s.state = e.state;
        break;
      case 'note':
        break;
    }
  }
  return s;
}
