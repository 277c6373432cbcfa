import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import {
  ConfigError, CsvFormatError, decodeRequest, decodeResponse, encodeFrame, FrameDecoder, FrameError, OpenApiError, parseCsvBars, parsePrivateKey,
  parseProperties, parseResponseEnvelope, PushDecodeError, signWithKey,
} from '../src/index.ts';
import { sampleProps } from './fixtureConfig.ts';

// Bad input must end in the one typed error of its edge, naming what was wrong; never a crash
// of another kind, never an echo of key material.
const RUNS = { numRuns: 300 };
const server = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pk1 = sampleProps().get('private_key_pk1')!;

function only<T extends Error>(f: () => unknown, type: new (...a: never[]) => T): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    expect((e as Error).message.length).toBeGreaterThan(0);
  }
}

describe('bad input, property-based', () => {
  it('the properties parser accepts any text without throwing', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
      const m = parseProperties(text);
      for (const [k, v] of m) expect(typeof k === 'string' && typeof v === 'string').toBe(true);
    }), RUNS);
  });

  it('key parsing: any text is a ConfigError naming the field, never echoing the input', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.base64String({ maxLength: 400 }), fc.integer({ min: 1, max: pk1.length - 1 }).map((n) => pk1.slice(0, n))), (text) => {
      try {
        parsePrivateKey(text, 'private_key_pk1');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).field).toBe('private_key_pk1');
        if (text.length >= 12) expect((e as Error).message).not.toContain(text);
      }
    }), RUNS);
  });

  it('reply envelopes: any body is data or an OpenApiError', () => {
    const ts = '2024-01-02 03:04:05';
    const sign = signWithKey(ts, server.privateKey);
    const bodies = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ code: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), message: fc.anything(), data: fc.anything(), sign: fc.oneof(fc.constant(sign), fc.string()) }).map((o) => JSON.stringify(o)),
    );
    fc.assert(fc.property(bodies, (body) => only(() => parseResponseEnvelope(body, ts, server.publicKey, 'orders'), OpenApiError)), RUNS);
  });

  it('push frames: garbage, truncated and oversized streams give frames or a FrameError', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
      const d = new FrameDecoder(1024);
      only(() => {
        for (const c of chunks) for (const f of d.push(c)) expect(f.length).toBeLessThanOrEqual(1024);
      }, FrameError);
    }), RUNS);
  });

  it('push messages: any frame body decodes or is a PushDecodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      only(() => decodeResponse(bytes), PushDecodeError);
      only(() => decodeRequest(bytes), PushDecodeError);
    }), RUNS);
  });

  it('a valid frame cut anywhere never yields a wrong frame', () => {
    const frame = encodeFrame(new Uint8Array(300).fill(7));
    fc.assert(fc.property(fc.integer({ min: 0, max: frame.length }), (cut) => {
      const d = new FrameDecoder();
      expect(d.push(frame.subarray(0, cut)).length).toBe(cut === frame.length ? 1 : 0);
      expect(d.push(frame.subarray(cut)).length).toBe(cut === frame.length ? 0 : 1);
    }), RUNS);
  });

  it('CSV loaders: any rows give bars or a CsvFormatError naming line and column', () => {
    const cell = fc.oneof(fc.string({ maxLength: 8 }), fc.double().map(String), fc.constantFrom('2024-01-02', '2024-13-45', '09:30:00', '', 'NaN'));
    const rows = fc.array(fc.array(cell, { minLength: 0, maxLength: 8 }).map((r) => r.join(',')), { maxLength: 10 });
    fc.assert(fc.property(fc.constantFrom('Date,Open,High,Low,Close,Adj Close,Volume', 'Date,Time,Open,High,Low,Close,Volume,OpenInterest', 'x,y'), rows, (header, lines) => {
      try {
        const bars = parseCsvBars([header, ...lines].join('\n'), { symbol: 'X', source: 'f.csv' });
        for (const b of bars) expect(Number.isFinite(b.time) && b.high >= b.low).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(CsvFormatError);
        expect((e as Error).message).toMatch(/^f\.csv:\d+: column \w+/);
      }
    }), RUNS);
  });
});
