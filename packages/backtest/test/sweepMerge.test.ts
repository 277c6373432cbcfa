import { describe, expect, it } from 'vitest';
import { mergeShardReports, shardIndexes, sweepIdentity, type SweepShardReport } from '../src/index.ts';

// One sweep of four combinations over one data set, split into two shards.
const combos = [{ fast: 5 }, { fast: 10 }, { fast: 15 }, { fast: 20 }];
const identity = sweepIdentity('sma-cross', 'data-fingerprint-a', combos, { cash: 100_000 });
const shard = (index: number, sweep = identity): SweepShardReport => ({
  kind: 'pounce.sweep-shard', version: 1, sweep, shard: { index, count: 2 },
  results: shardIndexes(combos.length, { index, count: 2 }).map((k) => ({ index: k, params: combos[k]!, endEquity: 100_000 + k })),
});

describe('sweep merge refuses shards of another sweep, naming what differs', () => {
  it('merges the shards of one sweep', () => {
    expect(mergeShardReports([shard(1), shard(0)]).results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
  });

  it('a data fingerprint that differs alone (same strategy and grid): refused as another data set', () => {
    const otherData = sweepIdentity('sma-cross', 'data-fingerprint-b', combos, { cash: 100_000 });
    expect(otherData.grid).toBe(identity.grid);
    expect(() => mergeShardReports([shard(0), { ...shard(1, otherData), path: 'b.json' }])).toThrow('sweep merge: b.json is from another sweep (data fingerprint differs)');
  });

  it('a grid that differs alone (same data, same number of combinations, other settings): refused as another grid', () => {
    const otherGrid = sweepIdentity('sma-cross', 'data-fingerprint-a', combos, { cash: 50_000 });
    expect(otherGrid.data).toBe(identity.data);
    expect(otherGrid.gridSize).toBe(identity.gridSize);
    expect(() => mergeShardReports([shard(0), { ...shard(1, otherGrid), path: 'g.json' }])).toThrow('sweep merge: g.json is from another sweep (grid differs)');
  });
});
