import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Read in pieces of this size, each hashed while it is still in the CPU cache (a multiple of 8: whole float64s). */
export const PIECE = 1 << 20;

/**
 * A buffer reused for the files of one read, so a read of many files touches one file's worth of
 * fresh memory, not every file's. Whatever was read into it is valid until the next file is read.
 */
export class ReadBuffer {
  private buf: Buffer | undefined;

  /** `size` bytes of the buffer (grown if needed; starts at offset 0, so 8-byte aligned). */
  take(size: number): Buffer {
    if (!this.buf || this.buf.length < size) this.buf = Buffer.allocUnsafeSlow(size);
    return this.buf.subarray(0, size);
  }
}

/** A file's size is not the one its manifest names: nothing of it was read. */
export class FileSizeMismatch extends Error {
  override readonly name = 'FileSizeMismatch';
  constructor(readonly path: string, readonly size: number, readonly expected: number) {
    super(`${path}: ${size} bytes, expected ${expected}`);
  }
}

/**
 * The bytes of a file and the sha256 of exactly those bytes, from one pass over the file: each
 * piece is hashed as it is read. Into `into` when given (see ReadBuffer), else a new buffer.
 * `expectedBytes`: the size the file must have, checked before any memory is taken for it (a file
 * replaced by a much larger one must not be read whole only to fail its hash).
 */
export function readHashed(path: string, into?: ReadBuffer, expectedBytes?: number): { bytes: Buffer; sha256: string } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (expectedBytes !== undefined && size !== expectedBytes) throw new FileSizeMismatch(path, size, expectedBytes);
    const buf = into ? into.take(size) : Buffer.allocUnsafeSlow(size);
    const hash = createHash('sha256');
    let at = 0;
    while (at < size) {
      const got = readSync(fd, buf, at, Math.min(PIECE, size - at), at);
      if (got === 0) break; // the file shrank since fstat: what was read is what is hashed
      hash.update(buf.subarray(at, at + got));
      at += got;
    }
    return { bytes: buf.subarray(0, at), sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}
