import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdRunSet } from '../src/execution/IdRunSet.ts';

const BASE = 30140000000000000n;

describe('IdRunSet, property-based', () => {
  it('answers exactly as a Set of strings for any order of decimal and other ids', () => {
    const id = fc.oneof(
      fc.integer({ min: 0, max: 60 }).map((n) => (BASE + BigInt(n)).toString()),
      fc.integer({ min: 1, max: 40 }).map(String),
      fc.constantFrom('a-1', 'x', '007', '0', ''),
    );
    fc.assert(
      fc.property(fc.array(id, { maxLength: 200 }), fc.array(id, { maxLength: 30 }), (adds, probes) => {
        const runs = new IdRunSet();
        const ref = new Set<string>();
        for (const a of adds) {
          expect(runs.add(a)).toBe(!ref.has(a));
          ref.add(a);
        }
        for (const p of [...adds, ...probes]) expect(runs.has(p)).toBe(ref.has(p));
      }),
      { numRuns: 500 },
    );
  });

  it('holds ids that count up as one run', () => {
    const runs = new IdRunSet();
    for (let i = 1; i <= 100_000; i++) runs.add((BASE + BigInt(i)).toString());
    expect(runs.runCount).toBe(1);
    expect(runs.has((BASE + 50_000n).toString())).toBe(true);
    expect(runs.has((BASE + 100_001n).toString())).toBe(false);
  });
});
