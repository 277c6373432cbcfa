import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { EquityPoint } from './BacktestVenue.ts';
import { EQUITY_ROW_WIDTH, EquityChunkWriter, errorNaming, type EquityChunk } from './equityChunkWriter.ts';
import type { WrittenEquity } from './report.ts';

/** Points per chunk sent to the writer thread (80 KiB). */
const POINTS = 2048;
/** Chunks sent and not yet written before `add` waits for the thread: ~5 MB, whatever the run's length. */
export const EQUITY_MAX_BACKLOG = 64;
/**
 * Points held before the writer thread is started (16 chunks, 1.3 MB). A shorter curve is written
 * at the end on the main thread in a few tens of milliseconds, less than the thread takes to start
 * on a 2-core machine (~0.1 s, which a short run waited for at its end).
 */
export const EQUITY_THREAD_AFTER = 16 * POINTS;
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
 * replay runs, and the report copies the finished text in (`writeReportWithEquity`). The thread
 * starts once `threadAfter` points (EQUITY_THREAD_AFTER) are held; a curve that never gets there is
 * written by `finish` itself. Either way the bytes are what writeReport writes for the same points
 * (EquityChunkWriter). Memory stays bounded: `add` waits when the thread is 64 chunks behind.
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
  /** Chunks made before the thread started. */
  private held: EquityChunk[] = [];
  private heldPoints = 0;
  private sent = 0;
  private readonly progress = new Int32Array(new SharedArrayBuffer(EQUITY_PROGRESS.bytes), 0, 3);
  private thread?: { worker: Worker; done: Promise<EquityWriterDone> };
  private finished = false;
  private readonly threadAfter: number;

  /**
   * `threadAfter`: points held before the writer thread starts (default EQUITY_THREAD_AFTER; 0
   * starts it with the first whole chunk of 2,048). At most EQUITY_MAX_BACKLOG chunks' worth: the
   * held chunks are all sent to the thread at once.
   */
  constructor(readonly path: string, opts: { threadAfter?: number } = {}) {
    this.threadAfter = opts.threadAfter ?? EQUITY_THREAD_AFTER;
    if (!(Number.isInteger(this.threadAfter) && this.threadAfter >= 0 && this.threadAfter <= EQUITY_MAX_BACKLOG * POINTS)) {
      throw new Error(`EquityJsonSpool threadAfter: expected a whole number of points from 0 to ${EQUITY_MAX_BACKLOG * POINTS}, got ${this.threadAfter}`);
    }
  }

  /** Whether the writer thread was started. */
  get threaded(): boolean {
    return this.thread !== undefined;
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
    if (++this.buffered === POINTS) this.send(false);
  }

  /**
   * Hands over what is buffered: held until `threadAfter` points, then to the thread. The last
   * chunk (`last`) never starts the thread: the curve is whole, and finish() writes it sooner.
   */
  private send(last: boolean): void {
    if (this.buffered === 0) return;
    const chunk: EquityChunk = { rows: this.rows, points: this.buffered };
    this.rows = new Float64Array(POINTS * EQUITY_ROW_WIDTH);
    this.buffered = 0;
    if (this.thread) {
      this.post(this.thread.worker, chunk);
      return;
    }
    this.held.push(chunk);
    this.heldPoints += chunk.points;
    if (last || this.heldPoints < this.threadAfter) return;
    const worker = this.startThread();
    for (const c of this.held) this.post(worker, c);
    this.held = [];
  }

  private startThread(): Worker {
    const data: EquityWriterData = { path: this.path, progress: this.progress.buffer as SharedArrayBuffer };
    const worker = new Worker(WORKER, { workerData: data });
    const done = new Promise<EquityWriterDone>((resolve, reject) => {
      worker.once('message', (m: EquityWriterDone) => resolve(m));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${this.path}: the equity writer thread exited (code ${code}) before it finished`)));
    });
    // Rejections are read by finish(); until then, an unobserved one must not end the process.
    done.catch(() => undefined);
    // A run that never finishes (an error) must not be kept alive by the thread.
    worker.unref();
    this.thread = { worker, done };
    return worker;
  }

  /** Sends one chunk, first waiting while the thread is EQUITY_MAX_BACKLOG chunks behind. */
  private post(worker: Worker, chunk: EquityChunk): void {
    let waited = 0;
    for (let written = Atomics.load(this.progress, EQUITY_PROGRESS.written); this.sent - written >= EQUITY_MAX_BACKLOG; written = Atomics.load(this.progress, EQUITY_PROGRESS.written)) {
      if (Atomics.load(this.progress, EQUITY_PROGRESS.failed) === 1) throw new Error(`the equity writer thread failed: ${this.failureMessage()}`);
      if (Atomics.wait(this.progress, EQUITY_PROGRESS.written, written, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS) {
        throw new Error(`${this.path}: the equity writer thread wrote nothing for ${STALL_MS / 1000} s`);
      }
    }
    worker.postMessage(chunk, [chunk.rows.buffer]);
    this.sent++;
  }

  /** What the thread wrote of its error (see EQUITY_PROGRESS). */
  private failureMessage(): string {
    const length = Atomics.load(this.progress, EQUITY_PROGRESS.messageLength);
    return Buffer.from(this.progress.buffer, EQUITY_PROGRESS.messageAt, length).toString('utf8');
  }

  /** Sends the last points and resolves once the text is whole on disk, with the chart's data. */
  async finish(): Promise<WrittenEquity> {
    if (this.finished) throw new Error(`${this.path}: finish() was already called`);
    this.send(true);
    this.finished = true;
    if (!this.thread) return { file: this.path, series: this.writeHeld() };
    const { worker, done } = this.thread;
    worker.postMessage('end');
    worker.ref();
    try {
      const { series } = await done;
      return { file: this.path, series };
    } finally {
      worker.unref();
    }
  }

  /** The text of a curve that never needed the thread, written here. */
  private writeHeld(): WrittenEquity['series'] {
    const writer = new EquityChunkWriter(this.path);
    try {
      for (const c of this.held) writer.write(c);
      this.held = [];
      this.heldPoints = 0;
      return writer.end();
    } catch (e) {
      writer.close();
      throw errorNaming(this.path, e);
    }
  }

  /**
   * Stops the thread and deletes the file (after the report is written, or when the run failed);
   * resolves once both are done: the file is deleted after the thread has stopped, so a thread
   * still starting cannot make it again.
   */
  async remove(): Promise<void> {
    this.finished = true;
    this.held = [];
    if (this.thread) await this.thread.worker.terminate();
    rmSync(this.path, { force: true });
  }
}
