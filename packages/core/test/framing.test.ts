import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError } from '../src/index.ts';

const msg = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('varint32 framing', () => {
  it('encodes lengths as base-128 varints, low group first', () => {
    expect([...encodeFrame(msg(3, 7))]).toEqual([3, 7, 7, 7]);
    expect([...encodeFrame(msg(300, 1)).subarray(0, 2)]).toEqual([0xac, 0x02]);
    expect(encodeFrame(msg(0, 0)).length).toBe(1);
  });

  it('reassembles a frame split across reads, including inside the length prefix', () => {
    const frame = encodeFrame(msg(300, 9));
    const d = new FrameDecoder();
    expect(d.push(frame.subarray(0, 1))).toEqual([]);
    expect(d.push(frame.subarray(1, 100))).toEqual([]);
    const out = d.push(frame.subarray(100));
    expect(out).toHaveLength(1);
    expect(out[0]!.length).toBe(300);
    expect(d.pending).toBe(0);
  });

  it('returns every frame of a coalesced read, and keeps a trailing partial one', () => {
    const all = Buffer.concat([encodeFrame(msg(2, 1)), encodeFrame(msg(0, 0)), encodeFrame(msg(200, 3)), encodeFrame(msg(5, 4)).subarray(0, 3)]);
    const d = new FrameDecoder();
    const out = d.push(all);
    expect(out.map((f) => f.length)).toEqual([2, 0, 200]);
    expect(d.pending).toBe(3);
    expect(d.push(encodeFrame(msg(5, 4)).subarray(3)).map((f) => [...f])).toEqual([[4, 4, 4, 4, 4]]);
  });

  it('byte-by-byte delivery yields the same frames', () => {
    const frames = [msg(1, 1), msg(129, 2), msg(16384, 3)];
    const stream = Buffer.concat(frames.map(encodeFrame));
    const d = new FrameDecoder();
    const got: number[] = [];
    for (const b of stream) for (const f of d.push(Buffer.from([b]))) got.push(f.length);
    expect(got).toEqual([1, 129, 16384]);
  });

  it('rejects oversized lengths and over-long varints', () => {
    expect(() => new FrameDecoder(1000).push(encodeFrame(msg(1001, 0)).subarray(0, 2))).toThrow(FrameError);
    expect(() => new FrameDecoder().push(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/longer than 5 bytes/);
  });
});
