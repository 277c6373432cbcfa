import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peerDaily, peerMinute } from '../peerComparison.ts';

describe('peer rows without ../shared', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-peer-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are skipped, naming the missing folder, and run nothing', async () => {
    for (const rows of [await peerDaily(dir), await peerMinute(dir)]) {
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ skipped: true, detail: `skipped: ${join(dir, 'peers', 'backtrader-1.9.78')} not found (the peer lives in ../shared beside the repository)` });
    }
  });
});
