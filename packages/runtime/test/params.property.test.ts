import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParamError, paramPairs, parseParams } from '../src/index.ts';

const spec = { fast: { type: 'integer', default: 10, min: 1, max: 500 }, k: { type: 'number', default: 2 }, on: { type: 'boolean', default: false }, mode: { type: 'string', default: 'a', choices: ['a', 'b'] } } as const;

describe('CLI params, property-based', () => {
  it('any --param items give valid values or a ParamError naming the parameter', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.tuple(fc.constantFrom('fast', 'k', 'on', 'mode', 'zzz'), fc.string({ maxLength: 8 })).map(([k, v]) => `${k}=${v}`)), { maxLength: 5 }), (items) => {
      try {
        const v = parseParams(spec, paramPairs(items));
        expect(Number.isInteger(v.fast) && v.fast >= 1 && v.fast <= 500).toBe(true);
        expect(Number.isFinite(v.k)).toBe(true);
        expect(['a', 'b']).toContain(v.mode);
      } catch (e) {
        expect(e).toBeInstanceOf(ParamError);
        expect((e as Error).message).toMatch(/^(parameter \w+:|unknown parameter|--param )/);
      }
    }), { numRuns: 500 });
  });
});
