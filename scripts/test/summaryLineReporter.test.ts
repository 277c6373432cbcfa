import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../../packages/cli/test/childProcess.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = fileURLToPath(new URL('./fixtures/vitest.fixture.config.ts', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs vitest on one fixture file in a child process; returns its exit code and summary line. */
async function runFixture(name: string): Promise<{ status: number | null; line: string | undefined }> {
  const r = await runProcess(process.execPath, [VITEST, 'run', '--config', CONFIG, name], { cwd: ROOT, env: { ...process.env, CI: '' } });
  const line = r.stdout.split('\n').find((l) => /^\d+ passed, \d+ failed/.test(l));
  return { status: r.status, line };
}

describe('the CI summary line', () => {
  it('says failed when vitest fails the run on an unhandled error, though every test passed', async () => {
    const r = await runFixture('unhandledRejection');
    expect(r.status).toBe(1);
    expect(r.line).toBe('1 passed, 1 failed (1 unhandled error)');
  });

  it('says failed when a test file cannot be collected', async () => {
    const r = await runFixture('brokenFile');
    expect(r.status).toBe(1);
    expect(r.line).toMatch(/^0 passed, 1 failed \(.*brokenFile\.fixture\.ts failed outside its tests\)$/);
  });
});
