import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@pounce/core';
import { TigerIdLock } from '@pounce/runtime';
import { startTestGateway } from '../../gateway/test/testGateway.ts';
import { startPounce } from './childProcess.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-refuse-'));
  dirs.push(d);
  return d;
};

describe.skipIf(process.platform === 'win32')('a start refused with side services asked for exits at once, nothing left listening', () => {
  it('a second node on a tiger_id in use, with --metrics-port 0 and --dashboard: non-zero exit naming the running one', async () => {
    const dir = folder();
    const gw = await startTestGateway();
    const previous = process.env.POUNCE_LOCK_DIR;
    // The child inherits the lock folder: this test process plays the node already running.
    process.env.POUNCE_LOCK_DIR = join(dir, 'locks');
    const held = TigerIdLock.acquire(loadConfig({ path: gw.clientConfigPath, env: {} }).tigerId, { runDir: join(dir, 'first'), command: 'node' });
    try {
      const config = join(dir, 'node.json');
      writeFileSync(config, JSON.stringify({ venue: { mode: 'paper', config: gw.clientConfigPath }, strategies: [{ tag: 'a', strategy: 'sma-cross' }] }));
      const second = startPounce(['node', '--config', config, '--run-dir', join(dir, 'second'), '--metrics-port', '0', '--dashboard'], children, dir);
      // Before, the open metrics and dashboard servers kept the refused process alive for ever.
      expect(await second.exited).not.toBe(0);
      expect(second.out()).toContain(String(process.pid));
      expect(second.out()).not.toContain('metrics ');
    } finally {
      held.release();
      if (previous === undefined) delete process.env.POUNCE_LOCK_DIR;
      else process.env.POUNCE_LOCK_DIR = previous;
      await gw.stop();
    }
  }, 60_000);

  it('a run folder too long for the control socket is refused before the venue: no journal, non-zero exit', async () => {
    const dir = folder();
    const runDir = join(dir, 'r'.repeat(120));
    const run = startPounce(['strategy', 'sma-cross', '--paper', '--embedded', '--synthetic', '--run-dir', runDir, '--metrics-port', '0'], children, dir);
    expect(await run.exited).not.toBe(0);
    expect(run.out()).toMatch(/control socket .* more than a Unix socket path may be \(103\); use a shorter --run-dir/);
    expect(existsSync(join(runDir, 'journal.jsonl'))).toBe(false);
  }, 60_000);
});
