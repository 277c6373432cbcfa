import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingLogFileOptions {
  /** The file written to; older files are `<path>.1` (newest) to `<path>.<keep-1>`. */
  path: string;
  /** A file is rotated before a line would take it past this many bytes. */
  maxBytes: number;
  /** Files kept in all, the current one included (at least 1). */
  keep: number;
}

/**
 * A log file rotated by size: when the next line would take it past `maxBytes`, the file becomes
 * `<path>.1`, `<path>.1` becomes `<path>.2` and so on, and the oldest past `keep` files is
 * deleted. Lines are written whole and synchronously (in order, and on disk before a crash), so
 * every file ends on a complete line. A single line longer than `maxBytes` gets a file of its own.
 *
 * @example
 * ```ts
 * const file = new RotatingLogFile({ path: 'pounce.log', maxBytes: 10 * 1024 * 1024, keep: 5 });
 * const log = createLogger({ format: 'json', write: (l) => file.write(l) });
 * ```
 */
export class RotatingLogFile {
  private fd: number;
  private size: number;
  private closed = false;
  /** Lines that could not be written (not counting those dropped after `close`). */
  failedWrites = 0;

  constructor(private readonly o: RotatingLogFileOptions) {
    if (!Number.isInteger(o.keep) || o.keep < 1) throw new Error(`log keep: expected a whole number of files of at least 1, got ${o.keep}`);
    if (!(o.maxBytes > 0)) throw new Error(`log max size: expected a positive number of bytes, got ${o.maxBytes}`);
    mkdirSync(dirname(o.path), { recursive: true });
    this.fd = openSync(o.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Appends `line` and a newline, rotating first when it would not fit. Never throws: a logger is
   * called from anywhere (a late timer at shutdown included), and a failed log line must not end
   * the run. After `close` a line is dropped; a line that cannot be written (disk full, folder
   * gone) is counted in `failedWrites`, and the first such one goes to stderr with the reason.
   */
  write(line: string): void {
    if (this.closed) return;
    const bytes = Buffer.from(line + '\n');
    try {
      if (this.size > 0 && this.size + bytes.length > this.o.maxBytes) this.rotate();
      writeSync(this.fd, bytes);
      this.size += bytes.length;
    } catch (e) {
      this.failedWrites++;
      if (this.failedWrites === 1) process.stderr.write(`log file ${this.o.path}: write failed (${(e as Error).message}); this line follows, later failures are only counted\n${line}\n`);
    }
  }

  private rotate(): void {
    closeSync(this.fd);
    const { path, keep } = this.o;
    rmSync(`${path}.${keep - 1}`, { force: true });
    for (let i = keep - 2; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    if (keep > 1) renameSync(path, `${path}.1`);
    else rmSync(path, { force: true });
    this.fd = openSync(path, 'a');
    this.size = 0;
  }

  /** Closes the file; later `write`s are dropped. Closing twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed by a rotation that failed half-way: nothing left to release.
    }
  }
}
