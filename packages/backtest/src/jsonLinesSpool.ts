import { readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { FileSpool } from './fileSpool.ts';

/**
 * Bytes of lines buffered before a write, and read back at a time. Small on purpose: text held
 * across many items outlives the young generation, and a megabyte at a time promoted that much
 * garbage into the old one again and again (its heap, and the process's RSS, grew with it).
 */
const FLUSH_BYTES = 1 << 16;

/**
 * Items written to a JSON-lines file as they happen, then read back one at a time: however many
 * items a run makes (fills, trades; equity points have EquityJsonSpool), memory holds about 64 KiB of them.
 *
 * @example
 * ```ts
 * const spool = new JsonLinesSpool<{ n: number }>(join(dir, 'items.jsonl'));
 * spool.add({ n: 1 });
 * for (const item of spool.items()) console.log(item.n); // 1
 * spool.remove();
 * ```
 */
export class JsonLinesSpool<T> extends FileSpool<T> {
  private buffer: string[] = [];
  private bytes = 0;

  constructor(
    path: string,
    private readonly toJson: (item: T) => string = (x) => JSON.stringify(x),
  ) {
    super(path);
  }

  add(item: T): void {
    this.checkOpen();
    const line = `${this.toJson(item)}\n`;
    this.buffer.push(line);
    this.bytes += line.length;
    this.count++;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  protected flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
  }

  protected *readFrom(fd: number): Generator<T> {
    const buf = Buffer.allocUnsafe(FLUSH_BYTES);
    // A chunk may end inside a multi-byte character: the decoder keeps it for the next one.
    const text = new StringDecoder('utf8');
    let rest = '';
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      const lines = (rest + text.write(buf.subarray(0, n))).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line !== '') yield JSON.parse(line) as T;
    }
    if (rest !== '') yield JSON.parse(rest) as T;
  }
}
