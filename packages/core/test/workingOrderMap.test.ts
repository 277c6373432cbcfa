import { describe, expect, it } from 'vitest';
import { WorkingOrderMap } from '../src/index.ts';

describe('WorkingOrderMap', () => {
  it('keeps a working order\'s entry however many finished orders follow; finished ones are bounded', () => {
    const m = new WorkingOrderMap<string, number>(100);
    m.set('gtc', 1);
    for (let k = 0; k < 10_000; k++) {
      m.set(`o${k}`, k, false);
      expect(m.size).toBeLessThan(201);
    }
    expect(m.get('gtc')).toBe(1);
    expect(m.workingSize).toBe(1);
    expect(m.has('o0')).toBe(false);
    expect(m.get('o9999')).toBe(9_999);
  });

  it('an entry set again as final moves to the finished ones, where newer finished orders push it out', () => {
    const m = new WorkingOrderMap<string, number>(2);
    m.set('a', 1);
    m.set('a', 1, false);
    expect(m.workingSize).toBe(0);
    expect(m.isWorking('a')).toBe(false);
    expect(m.get('a')).toBe(1);
    for (const id of ['b', 'c', 'd', 'e']) m.set(id, 0, false);
    expect(m.has('a')).toBe(false);
    expect(m.size).toBeLessThanOrEqual(4);
  });

  it('set(..., false) of a working key makes it finished', () => {
    const m = new WorkingOrderMap<string, string>(10);
    m.set('x', 'working');
    m.set('x', 'done', false);
    expect(m.workingSize).toBe(0);
    expect(m.get('x')).toBe('done');
  });
});
