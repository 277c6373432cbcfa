import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: the run gets one private temp folder, set as TMPDIR before any worker starts,
 * so every folder a test (or a process it starts) makes with os.tmpdir() lives inside it; teardown
 * removes it. A test that forgets its cleanup, or a process killed mid-write, leaves nothing behind.
 * The tiger_id lock folder (POUNCE_LOCK_DIR) lives there too.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  // The tiger_id locks too: a run against a test gateway must never take (or be refused by) a lock
  // in the user's ~/.pounce/locks, where a real run or another test run may hold the sample tiger_id.
  const previousLocks = process.env.POUNCE_LOCK_DIR;
  process.env.POUNCE_LOCK_DIR = process.env.POUNCE_TEST_RUN_LOCK_DIR = join(dir, 'locks');
  return () => {
    rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (previousLocks === undefined) delete process.env.POUNCE_LOCK_DIR;
    else process.env.POUNCE_LOCK_DIR = previousLocks;
    delete process.env.POUNCE_TEST_RUN_LOCK_DIR;
  };
}
