import { describe, expect, it } from 'vitest';
import { ParamError, paramPairs, parseParams } from '../src/index.ts';

const spec = {
  fast: { type: 'integer', default: 10, min: 1, max: 500 },
  k: { type: 'number', default: 2 },
  mode: { type: 'string', default: 'a', choices: ['a', 'b'] },
  on: { type: 'boolean', default: false },
} as const;

describe('parseParams', () => {
  it('fills defaults and converts types', () => {
    expect(parseParams(spec, {})).toEqual({ fast: 10, k: 2, mode: 'a', on: false });
    expect(parseParams(spec, paramPairs(['fast=5', 'k=1.5', 'mode=b', 'on=true']))).toEqual({ fast: 5, k: 1.5, mode: 'b', on: true });
  });
  it('rejects bad values naming the parameter and what was expected', () => {
    expect(() => parseParams(spec, { fast: 'ten' })).toThrow('parameter fast: expected a number, got "ten"');
    expect(() => parseParams(spec, { fast: '2.5' })).toThrow('parameter fast: expected a whole number, got 2.5');
    expect(() => parseParams(spec, { fast: '0' })).toThrow('parameter fast: expected at least 1, got 0');
    expect(() => parseParams(spec, { mode: 'c' })).toThrow('parameter mode: expected one of a, b, got "c"');
    expect(() => parseParams(spec, { on: 'yes' })).toThrow(ParamError);
    expect(() => parseParams(spec, { slow: '3' })).toThrow('unknown parameter "slow"; this strategy takes: fast, k, mode, on');
    expect(() => paramPairs(['fast'])).toThrow('--param fast: expected name=value');
  });
});
