import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess, TSX_LOADER } from './childProcess.ts';
import { collectOldGenerationSooner } from '../src/commands/heapGrowth.ts';

const MODULE = fileURLToPath(new URL('../src/commands/heapGrowth.ts', import.meta.url));

/**
 * A child that keeps ~24 MB alive, then makes objects that each live long enough to be promoted (a
 * rolling window of 100k) and die in the old generation. It prints the largest ratio of the old
 * space just before a full collection to what the previous one left: allocation-driven, so it does
 * not depend on the machine's speed once the growing factor is fixed (V8's own choice let it reach
 * ~4.8 here; the factor 2 gives ~2.6, marking running on while the program allocates).
 */
const CHILD = `
import v8 from 'node:v8';
import { collectOldGenerationSooner } from ${JSON.stringify(MODULE)};
if (process.argv.includes('on')) collectOldGenerationSooner();
const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
const live = Array.from({ length: 300_000 }, (_, i) => ({ i, xs: [i, i + 1, i + 2] }));
globalThis.gc();
let after = old(), last = after, worst = 0, collections = 0;
const ring = new Array(100_000);
for (let n = 0; n < 6_000_000; n++) {
  ring[n % ring.length] = { n, xs: [n, n] };
  if (n % 500 === 0) {
    const now = old();
    if (now < last - (1 << 20)) { worst = Math.max(worst, last / after); after = now; collections++; }
    last = now;
  }
}
console.log(JSON.stringify({ worst, collections, kept: live.length + ring.length }));
`;

async function growthBeforeCollection(on: boolean): Promise<{ worst: number; collections: number }> {
  const r = await runProcess(process.execPath, ['--expose-gc', '--import', TSX_LOADER, '--input-type=module', '-e', CHILD, '--', on ? 'on' : 'off']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { worst: number; collections: number };
}

describe('collectOldGenerationSooner', () => {
  it('collects the old generation at about twice what the last collection left, while promoted garbage piles up', async () => {
    const { worst, collections } = await growthBeforeCollection(true);
    expect(collections).toBeGreaterThanOrEqual(2);
    expect(worst).toBeLessThan(3);
  });

  it('leaves a --heap-growing-percent given to node alone', () => {
    expect(collectOldGenerationSooner(['--heap-growing-percent=300'])).toBe(false);
    expect(collectOldGenerationSooner(['--heap_growing_percent', '300'])).toBe(false);
  });
});
