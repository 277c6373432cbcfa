import { describe, expect, it } from 'vitest';
import { carriedRows } from '../carriedRows.ts';

const previous = `# Benchmark results

Latest run: 2026-11-27T16:23:03.479Z on 2 cores.

| benchmark | result | target | | detail |
|---|---|---|---|---|
| signing | 88.1 µs | <= 100.0 | met | median of 5 |
| node RSS growth, 5 min | 145.8 MB/h | <= 5.0 | MISSED | 5 min |
| store read | 4.0M bars/s | >= 5M | MISSED | [from 2026-11-20T10:00:00.000Z] ten files |

## Previous run

Run: 2026-11-20T10:00:00.000Z

| benchmark | result | target | | detail |
|---|---|---|---|---|
| signing | 90 µs | <= 100.0 | met | old |
`;

describe('a partial bench:record', () => {
  it('replaces the rows it ran, adds new ones, and marks every other row with the time of the run that measured it', () => {
    const rows = carriedRows(previous, ['| node RSS growth, 5 min | 3.1 MB/h | <= 5.0 | met | 5 min again |', '| node RSS growth, 60 min | 2.0 MB/h | <= 5.0 | met | an hour |']);
    expect(rows).toEqual([
      '| signing | 88.1 µs | <= 100.0 | met | [from 2026-11-27T16:23:03.479Z] median of 5 |',
      '| node RSS growth, 5 min | 3.1 MB/h | <= 5.0 | met | 5 min again |',
      // Carried twice: it keeps the time of the run that measured it, not the last one that carried it.
      '| store read | 4.0M bars/s | >= 5M | MISSED | [from 2026-11-20T10:00:00.000Z] ten files |',
      '| node RSS growth, 60 min | 2.0 MB/h | <= 5.0 | met | an hour |',
    ]);
  });
});
