import { describe, expect, it } from 'vitest';
import { decimalIds } from '../src/decimalIds.ts';
import { MatchingEngine, perShareFees } from '../src/index.ts';

const bigintId = (base: bigint, seq: number) => (base + BigInt(seq)).toString();

describe('decimalIds (order and fill ids without a BigInt each)', () => {
  it('gives the text BigInt addition gives, for the default bases, small and odd bases, and across the low nine digits carrying', () => {
    const bases = [40132638459956224n, 30140000000000000n, 0n, 1n, 999_999_999n, 1_000_000_000n, 999_999_999_999_999_999n, 123_000_000_000n, -5n];
    const seqs = [0, 1, 2, 9, 10, 999, 40_043_775, 40_043_776, 1_000_000_000 - 1, 1_000_000_000, 2 ** 53 - 1];
    for (const base of bases) {
      const id = decimalIds(base);
      for (const seq of seqs) expect(id(seq)).toBe(bigintId(base, seq));
      // Every seq across the carry of the low nine digits.
      const low = Number(base < 0n ? 0n : base % 1_000_000_000n);
      for (let seq = Math.max(0, 1_000_000_000 - low - 3); seq < 1_000_000_000 - low + 3; seq++) expect(id(seq)).toBe(bigintId(base, seq));
    }
  });

  it('numbers a matching engine\'s orders and fills from its configured bases', () => {
    const e = new MatchingEngine({ fees: perShareFees(0), orderIdBase: 999_999_998n, fillIdBase: 7n, initialCash: 1e6 });
    e.onBar({ symbol: 'X', time: 0, open: 10, high: 10, low: 10, close: 10, volume: 1e6 });
    const ids = [1, 2, 3].map(() => e.submit({ account: 'A', symbol: 'X', action: 'BUY', orderType: 'MKT', quantity: 1, timeInForce: 'DAY' }, 1).order.id);
    expect(ids).toEqual(['999999999', '1000000000', '1000000001']);
    e.onBar({ symbol: 'X', time: 60_000, open: 10, high: 10, low: 10, close: 10, volume: 1e6 });
    expect(e.fillsOf('A').map((f) => f.id)).toEqual(['8', '9', '10']);
  });
});
