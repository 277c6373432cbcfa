import { closeSync, openSync, rmSync } from 'node:fs';

/**
 * A file that items are written to as a run makes them and read back after it, one at a time:
 * what every spool shares (open, close once, read afresh, delete). Subclasses say how items are
 * buffered and written (`flush`) and read (`readFrom`).
 */
export abstract class FileSpool<T> {
  protected readonly fd: number;
  private closed = false;
  /** Items added so far. */
  count = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Writes what is buffered. */
  protected abstract flush(): void;

  /** The items of the file open as `fd`, in the order they were added. */
  protected abstract readFrom(fd: number): Generator<T>;

  /** Refuses an add once the spool is closed: its file descriptor may already be another file's. */
  protected checkOpen(): void {
    if (this.closed) throw new Error(`${this.path}: the spool is closed (read or removed); nothing more can be added`);
  }

  /** Writes what is buffered and closes the file (idempotent). */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  /** The items in the order they were added, read from the file a chunk at a time. */
  *read(): Generator<T> {
    this.close();
    const fd = openSync(this.path, 'r');
    try {
      yield* this.readFrom(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** The items as an iterable that reads the file afresh each time it is iterated. */
  items(): Iterable<T> {
    return { [Symbol.iterator]: () => this.read() };
  }

  /** Closes and deletes the file. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
