import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { BacktestFill } from './fillAudit.ts';
import { fillJson } from './report.ts';

/** Bytes of fill lines buffered before a write. */
const FLUSH_BYTES = 1 << 20;

/**
 * Fills written to a JSON-lines file as they happen, then read back one at a time into
 * report.json: however many fills a run makes, memory holds about a megabyte of them.
 *
 * @example
 * ```ts
 * const spool = new FillSpool(join(reportDir, 'fills.jsonl'));
 * const r = await runBacktest({ def, bars: data, keepFills: false, onFill: (f) => spool.add(f) });
 * spool.close();
 * writeReport(reportDir, { ...r, fills: spool.read(), version: 1, createdAt, data: meta });
 * spool.remove();
 * ```
 */
export class FillSpool {
  private readonly fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  private closed = false;
  /** Fills added so far. */
  count = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  add(f: BacktestFill): void {
    const line = `${fillJson(f)}\n`;
    this.buffer.push(line);
    this.bytes += line.length;
    this.count++;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
  }

  /** Writes what is buffered and closes the file (idempotent). */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  /** The fills in the order they were added, read from the file a chunk at a time. */
  *read(): Generator<BacktestFill> {
    this.close();
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      // A chunk may end inside a multi-byte character: the decoder keeps it for the next one.
      const text = new StringDecoder('utf8');
      let rest = '';
      for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
        const lines = (rest + text.write(buf.subarray(0, n))).split('\n');
        rest = lines.pop()!;
        for (const line of lines) if (line !== '') yield JSON.parse(line) as BacktestFill;
      }
      if (rest !== '') yield JSON.parse(rest) as BacktestFill;
    } finally {
      closeSync(fd);
    }
  }

  /** Closes and deletes the file. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
