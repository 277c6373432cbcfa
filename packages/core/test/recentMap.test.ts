import { describe, expect, it } from 'vitest';
import { RecentMap } from '../src/index.ts';

describe('RecentMap', () => {
  it('holds between one and two generations of keys, dropping the oldest generation whole', () => {
    const m = new RecentMap<number, string>(100);
    for (let k = 0; k < 10_000; k++) {
      m.set(k, `v${k}`);
      expect(m.size).toBeLessThan(200);
    }
    // The newest 100 (9900..9999) at least are held; nothing older than two generations is.
    for (let k = 9_900; k < 10_000; k++) expect(m.get(k)).toBe(`v${k}`);
    expect(m.has(9_799)).toBe(false);
    expect(m.get(0)).toBeUndefined();
  });

  it('a set moves a key of the older generation into the newer one; a get does not', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1).set('b', 2); // a, b are now the older generation
    m.set('a', 10); // a again, in the newer one
    m.get('b');
    m.set('c', 3); // the newer generation (a, c) is full: (a, b) is dropped, (a, c) is older
    expect(m.get('a')).toBe(10);
    expect(m.has('b')).toBe(false);
    expect(m.get('c')).toBe(3);
  });

  it('refuses a generation that is not a positive integer, naming it', () => {
    expect(() => new RecentMap(0)).toThrow(/generation: expected a positive integer, got 0/);
    expect(() => new RecentMap(1.5)).toThrow(/got 1.5/);
  });
});
