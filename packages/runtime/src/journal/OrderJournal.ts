import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { readJsonLines } from '@pounce/core';
import { dirname, join } from 'node:path';
import { parseClientOrderId } from '../execution/clientOrderId.ts';
import type { RunDirLock } from './RunDirLock.ts';
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
  | { t: number; e: 'run'; strategy: string; params: Record<string, unknown>; venue: string; account: string; symbols: string[]; since: number; risk?: RiskLimits; model?: RunVenueModel;
    /** The run's client order id nonce (see clientOrderId.ts); absent in journals written before it existed. */
    idNonce?: string;
  }
  | { t: number; e: 'intent'; cid: string; req: OrderRequest }
  | { t: number; e: 'accepted'; cid: string; orderId: string }
  /** `req`: the refused order (a refusal before sending has no intent line); absent in older journals. */
  | { t: number; e: 'rejected'; cid: string; reason: string; req?: OrderRequest }
  | { t: number; e: 'order'; order: Order }
  | { t: number; e: 'fill'; fill: Fill }
  | { t: number; e: 'state'; state: Record<string, unknown> }
  | { t: number; e: 'note'; text: string }
  /** A new session day for the daily loss limit, with its starting equity (restored on resume). */
  | { t: number; e: 'risk-day'; day: number; startEquity: number }
  /** An exception thrown by strategy code, contained by the runtime (message and stack only). */
  | { t: number; e: 'strategy-error'; where: string; message: string; stack: string | undefined }
  /**
   * An operator's action at run time (`pounce ctl`, the dashboard): what, from where, and how it
   * ended. A `pause` that succeeded holds until a `resume` succeeds, across resumes of the run.
   */
  | { t: number; e: 'control'; action: string; by: string; ok: boolean; outcome: string }
  /** A control request refused before it named an action (wrong or missing token, unknown command): who tried, and why not. */
  | { t: number; e: 'control-refused'; by: string; why: string }
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

/** A torn last line found when a journal was opened, and where it was kept. */
export interface TornTail {
  bytes: number;
  /** The side file holding the fragment, for the record. */
  keptIn: string;
}

/**
 * Append-only order/fill journal, one JSON line per event, written with a synchronous write per
 * event (and fsync when asked), so a kill -9 loses at most the line being written. Opening repairs
 * a torn last line (cuts it off into `journal.torn-<time>`), so the lines a resumed run appends
 * never join it into one unreadable line.
 *
 * @example
 * ```ts
 * const lock = RunDirLock.acquire('.pounce/runs/2026-11-24T18-00-00-sma-cross', { takeOverStale: false });
 * const j = OrderJournal.open(lock);
 * j.append({ t: Date.now(), e: 'note', text: 'hello' });
 * j.close(); // releases the lock
 * ```
 */
export class OrderJournal implements Journal {
  private fd: number | undefined;
  readonly dir: string;

  private constructor(
    private readonly lock: RunDirLock,
    readonly path: string,
    private readonly fsync: boolean,
    /** Set when opening cut off a torn last line. */
    readonly tornTail: TornTail | undefined,
    private readonly clock: (() => number) | undefined,
  ) {
    this.dir = lock.dir;
    this.fd = openSync(path, 'a', 0o600);
  }

  /**
   * Opens the journal of the run folder whose lock the caller holds; closing releases the lock.
   * With `clock` (the venue's time), every line carries `vt`: what a replay lines decisions up by.
   */
  static open(lock: RunDirLock, opts: { fsync?: boolean; clock?: () => number } = {}): OrderJournal {
    const path = join(lock.dir, 'journal.jsonl');
    return new OrderJournal(lock, path, opts.fsync ?? false, repairTornTail(path), opts.clock);
  }

  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error('journal is closed');
    writeSync(this.fd, JSON.stringify(this.clock ? { ...entry, vt: this.clock() } : entry) + '\n');
    if (this.fsync) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.lock.release();
  }

  /** Every complete entry; an unparseable line ends the read (torn write at crash). */
  static read(dir: string): JournalEntry[] {
    return readJsonLines<JournalEntry>(join(dir, 'journal.jsonl'));
  }
}

/**
 * Makes the file end with a complete line. A last line without its newline that parses is kept
 * (only the newline was lost); one that does not is moved to `journal.torn-<time>` next to it
 * and cut off. Reads backwards from the end, so the cost does not grow with the journal.
 */
function repairTornTail(path: string): TornTail | undefined {
  if (!existsSync(path)) return undefined;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return undefined;
    // Find the last newline: the fragment starts after it.
    let start = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0 && start === 0; ) {
      const from = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - from, from);
      const i = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) start = from + i + 1;
      end = from;
    }
    const fragment = Buffer.alloc(size - start);
    readSync(fd, fragment, 0, fragment.length, start);
    try {
      JSON.parse(fragment.toString('utf8'));
      writeSync(fd, '\n', size);
      return undefined;
    } catch {
      // Torn: keep it for the record, then cut it off.
    }
    const keptIn = join(dirname(path), `journal.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    writeFileSync(keptIn, fragment, { mode: 0o600 });
    ftruncateSync(fd, start);
    return { bytes: fragment.length, keptIn };
  } finally {
    closeSync(fd);
  }
}

/** What a journal says about a run: for resuming it and for summaries. */
export interface JournalState {
  run: Extract<JournalEntry, { e: 'run' }> | undefined;
  fills: Map<string, Fill>;
  /** clientOrderId -> venue order id (undefined: sent, outcome unknown); `sentAt`: wall time it was journaled. */
  intents: Map<string, { req: OrderRequest; orderId: string | undefined; rejected?: string; sentAt: number }>;
  orders: Map<string, Order>;
  state: Record<string, unknown>;
  /** Highest client order counter journaled under the run's nonce (refused orders included); 0 if none. */
  lastOrderNumber: number;
  /** The last session day the daily loss limit counted from. */
  riskDay: { day: number; startEquity: number } | undefined;
  /** Who paused the run and is not yet undone by a resume (`ctl`, `dashboard`), if it is paused. */
  pausedBy: string | undefined;
}

export function replayJournal(entries: readonly JournalEntry[]): JournalState {
  const s: JournalState = { run: undefined, fills: new Map(), intents: new Map(), orders: new Map(), state: {}, lastOrderNumber: 0, riskDay: undefined, pausedBy: undefined };
  const taken = (cid: string) => {
    const id = parseClientOrderId(cid);
    if (id && id.nonce === s.run?.idNonce && id.n > s.lastOrderNumber) s.lastOrderNumber = id.n;
  };
  for (const e of entries) {
    if (e.e === 'intent' || e.e === 'rejected' || e.e === 'accepted') taken(e.cid);
    switch (e.e) {
      case 'run':
        s.run ??= e;
        break;
      case 'intent':
        s.intents.set(e.cid, { req: e.req, orderId: undefined, sentAt: e.t });
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
      case 'risk-day':
        s.riskDay = { day: e.day, startEquity: e.startEquity };
        break;
      case 'control':
        if (e.ok && e.action === 'pause') s.pausedBy = e.by;
        if (e.ok && e.action === 'resume') s.pausedBy = undefined;
        break;
      case 'note':
      case 'strategy-error':
      case 'control-refused':
        break;
    }
  }
  return s;
}
