/** Largest frame we accept; a length beyond this is a corrupt or hostile stream. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/**
 * Prefixes a message with its varint32 length (Netty ProtobufVarint32LengthFieldPrepender).
 *
 * @example
 * ```ts
 * encodeFrame(new Uint8Array([1, 2, 3])); // Uint8Array [3, 1, 2, 3]
 * ```
 */
export function encodeFrame(message: Uint8Array): Buffer {
  let n = message.length;
  const head: number[] = [];
  while (n > 0x7f) {
    head.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  head.push(n);
  const out = Buffer.allocUnsafe(head.length + message.length);
  for (let i = 0; i < head.length; i++) out[i] = head[i]!;
  out.set(message, head.length);
  return out;
}

/**
 * Reassembles varint32-length-delimited frames from a TCP byte stream: a frame split over several
 * reads is buffered, several frames in one read are all returned. Rejects lengths over 5 varint
 * bytes or MAX_FRAME_BYTES.
 *
 * @example
 * ```ts
 * const d = new FrameDecoder();
 * socket.on('data', (chunk) => { for (const frame of d.push(chunk)) handle(frame); });
 * ```
 */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame = MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): Buffer[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const frames: Buffer[] = [];
    let off = 0;
    for (;;) {
      let len = 0;
      let shift = 0;
      let i = off;
      let complete = false;
      while (i < this.buf.length) {
        const b = this.buf[i++]!;
        len |= (b & 0x7f) << shift;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
        shift += 7;
        if (shift >= 35) throw new FrameError('frame length: varint longer than 5 bytes');
      }
      if (!complete) break;
      len >>>= 0;
      if (len > this.maxFrame) throw new FrameError(`frame length: ${len} bytes exceeds the ${this.maxFrame}-byte limit`);
      if (this.buf.length - i < len) break;
      frames.push(this.buf.subarray(i, i + len));
      off = i + len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
    return frames;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }
}
