import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLIENT_ORDER_ID_MAX_LENGTH, clientOrderIdsOf, formatClientOrderId, newRunNonce, parseClientOrderId } from '../src/index.ts';

const nonce = fc.stringMatching(/^[0-9a-z]{10}$/);
const tag = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const counter = fc.integer({ min: 1, max: 99_999_999 });

describe('client order id format', () => {
  it('parse(format(x)) gives x back, and every id fits the userMark budget', () => {
    fc.assert(
      fc.property(nonce, tag, counter, (n, t, c) => {
        const id = formatClientOrderId({ nonce: n, tag: t, n: c });
        expect(parseClientOrderId(id)).toEqual({ nonce: n, tag: t, n: c });
        expect(id.length).toBeLessThanOrEqual(CLIENT_ORDER_ID_MAX_LENGTH);
      }),
    );
  });

  it('a run\'s id maker gives formatClientOrderId\'s ids and refuses what it refuses', () => {
    fc.assert(
      fc.property(nonce, tag, counter, (n, t, c) => {
        expect(clientOrderIdsOf(n, t)(c)).toBe(formatClientOrderId({ nonce: n, tag: t, n: c }));
      }),
    );
    const idOf = clientOrderIdsOf(newRunNonce(), 'main');
    for (const bad of [0, 1.5, 100_000_000]) expect(() => idOf(bad)).toThrow(/counter must be an integer/);
    expect(() => clientOrderIdsOf('short', 'main')(1)).toThrow(/nonce must be 10 characters/);
    expect(() => clientOrderIdsOf(newRunNonce(), 'Main')(1)).toThrow(/order tag: expected 1-8/);
  });

  it('the longest tag with the largest counter is exactly at the limit', () => {
    const id = formatClientOrderId({ nonce: newRunNonce(), tag: 'abcdefgh', n: 99_999_999 });
    expect(id).toHaveLength(CLIENT_ORDER_ID_MAX_LENGTH);
    expect(() => formatClientOrderId({ nonce: newRunNonce(), tag: 'abcdefghi', n: 1 })).toThrow(/order tag: expected 1-8/);
    expect(() => formatClientOrderId({ nonce: newRunNonce(), tag: 'main', n: 100_000_000 })).toThrow(/counter/);
  });

  it('refuses what it did not make: other marks, a dot in the tag, a counter of 0 or with leading zeros', () => {
    for (const s of ['', 'run-abc-2', 'pc1.k3x9a0b2c1.main.0', 'pc1.k3x9a0b2c1.main.07', 'pc1.k3x9a0b2c1.a.b.1', 'pc1.K3X9A0B2C1.main.1', 'pc2.k3x9a0b2c1.main.1']) {
      expect(parseClientOrderId(s)).toBeUndefined();
    }
    expect(() => formatClientOrderId({ nonce: 'short', tag: 'main', n: 1 })).toThrow(/nonce/);
  });

  it('run nonces are drawn fresh: 1000 draws, no repeat', () => {
    const drawn = new Set(Array.from({ length: 1000 }, newRunNonce));
    expect(drawn.size).toBe(1000);
    for (const n of drawn) expect(n).toMatch(/^[0-9a-z]{10}$/);
  });
});
