import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { EquityPoint } from './BacktestVenue.ts';
import type { WrittenEquity } from './report.ts';

/** Doubles per point in a chunk: time, equity, gross, whether there is a benchmark (1 or 0), benchmark. */
export const EQUITY_ROW_WIDTH = 5;
/** Points per chunk sent to the writer thread (80 KiB). */
const POINTS = 2048;
/** Chunks sent and not yet written before `add` waits for the thread: ~5 MB, whatever the run's length. */
export const EQUITY_MAX_BACKLOG = 64;
/** How long `add` waits for a thread that writes nothing before it gives up. */
const STALL_MS = 60_000;

/** What the writer thread starts with. */
export interface EquityWriterData {
  path: string;
  /** The thread's progress, read while the main thread waits for room (see EQUITY_PROGRESS). */
  progress: SharedArrayBuffer;
}

/**
 * The progress buffer's layout: Int32 slots (chunks written; 1 once the thread failed; the byte
 * length of its error message), then the message's UTF-8 bytes. A main thread blocked in `add`
 * cannot receive the thread's 'error' event, so the reason travels here.
 */
export const EQUITY_PROGRESS = { written: 0, failed: 1, messageLength: 2, messageAt: 12, bytes: 12 + 1024 } as const;
/** Points sent to the writer thread. */
export interface EquityChunk {
  rows: Float64Array;
  points: number;
}
/** The writer thread's answer to 'end'. */
export interface EquityWriterDone {
  series: WrittenEquity['series'];
}

const WORKER = import.meta.url.endsWith('.ts') ? new URL('./equityJsonWorkerEntry.mjs', import.meta.url) : new URL('./equityJsonWorker.js', import.meta.url);

/**
 * Equity points turned into report.json's `equity` text on a thread of their own while the run
 * goes, a chunk of 2,048 points at a time, with the report's chart gathered from the same points.
 * On one core the text of a million points (two years of minute bars) took most of a second after
 * the last bar (~0.9 s here, a quarter of such a backtest); a second core now writes it while the
 * replay runs, and the report copies the finished text in (`writeReportWithEquity`). The bytes are what writeReport writes for
 * the same points. Memory stays bounded: `add` waits when the thread is 64 chunks behind.
 *
 * @example
 * ```ts
 * const spool = new EquityJsonSpool(join(dir, 'equity.json.part'));
 * spool.add({ time: 0, equity: 100_000, gross: 0 });
 * const { file, series } = await spool.finish(); // file holds '[\n  {"time":0,"equity":100000,"gross":0}\n ]'
 * await spool.remove();
 * ```
 */
export class EquityJsonSpool {
  /** Points added so far. */
  count = 0;
  private rows = new Float64Array(POINTS * EQUITY_ROW_WIDTH);
  private buffered = 0;
  private sent = 0;
  private readonly progress = new Int32Array(new SharedArrayBuffer(EQUITY_PROGRESS.bytes), 0, 3);
  private readonly worker: Worker;
  private readonly done: Promise<EquityWriterDone>;
  private finished = false;

  constructor(readonly path: string) {
    const data: EquityWriterData = { path, progress: this.progress.buffer as SharedArrayBuffer };
    this.worker = new Worker(WORKER, { workerData: data });
    this.done = new Promise<EquityWriterDone>((resolve, reject) => {
      this.worker.once('message', (m: EquityWriterDone) => resolve(m));
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`${path}: the equity writer thread exited (code ${code}) before it finished`)));
    });
    // Rejections are read by finish(); until then, an unobserved one must not end the process.
    this.done.catch(() => undefined);
    // A run that never finishes (an error) must not be kept alive by the thread.
    this.worker.unref();
  }

  /** Chunks sent to the thread that it has not written yet. */
  get backlog(): number {
    return this.sent - Atomics.load(this.progress, EQUITY_PROGRESS.written);
  }

  add(p: EquityPoint): void {
    if (this.finished) throw new Error(`${this.path}: the spool is finished or removed; nothing more can be added`);
    const at = this.buffered * EQUITY_ROW_WIDTH;
    const r = this.rows;
    r[at] = p.time;
    r[at + 1] = p.equity;
    r[at + 2] = p.gross;
    r[at + 3] = p.benchmark === undefined ? 0 : 1;
    r[at + 4] = p.benchmark ?? 0;
    this.count++;
    if (++this.buffered === POINTS) this.send();
  }

  /** Sends what is buffered, first waiting while the thread is EQUITY_MAX_BACKLOG chunks behind. */
  private send(): void {
    if (this.buffered === 0) return;
    let waited = 0;
    for (let written = Atomics.load(this.progress, EQUITY_PROGRESS.written); this.sent - written >= EQUITY_MAX_BACKLOG; written = Atomics.load(this.progress, EQUITY_PROGRESS.written)) {
      if (Atomics.load(this.progress, EQUITY_PROGRESS.failed) === 1) throw new Error(`the equity writer thread failed: ${this.failureMessage()}`);
      if (Atomics.wait(this.progress, EQUITY_PROGRESS.written, written, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS) {
        throw new Error(`${this.path}: the equity writer thread wrote nothing for ${STALL_MS / 1000} s`);
      }
    }
    const chunk: EquityChunk = { rows: this.rows, points: this.buffered };
    this.worker.postMessage(chunk, [this.rows.buffer]);
    this.sent++;
    this.rows = new Float64Array(POINTS * EQUITY_ROW_WIDTH);
    this.buffered = 0;
  }

  /** What the thread wrote of its error (see EQUITY_PROGRESS). */
  private failureMessage(): string {
    const length = Atomics.load(this.progress, EQUITY_PROGRESS.messageLength);
    return Buffer.from(this.progress.buffer, EQUITY_PROGRESS.messageAt, length).toString('utf8');
  }

  /** Sends the last points and resolves once the text is whole on disk, with the chart's data. */
  async finish(): Promise<WrittenEquity> {
    if (this.finished) throw new Error(`${this.path}: finish() was already called`);
    this.send();
    this.finished = true;
    this.worker.postMessage('end');
    this.worker.ref();
    try {
      const { series } = await this.done;
      return { file: this.path, series };
    } finally {
      this.worker.unref();
    }
  }

  /**
   * Stops the thread and deletes the file (after the report is written, or when the run failed);
   * resolves once both are done: the file is deleted after the thread has stopped, so a thread
   * still starting cannot make it again.
   */
  async remove(): Promise<void> {
    this.finished = true;
    await this.worker.terminate();
    rmSync(this.path, { force: true });
  }
}
