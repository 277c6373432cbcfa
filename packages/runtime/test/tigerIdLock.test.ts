import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TigerIdInUseError, TigerIdLock } from '../src/index.ts';

describe('one Pounce process per tiger_id', () => {
  it('refuses while a live process holds it, naming it; takes over a lock left by a process that no longer runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-tiger-'));
    try {
      const path = join(dir, 'tiger-20150001.lock');
      // A live holder (the parent of this test process) is refused, naming its pid and run folder.
      writeFileSync(path, JSON.stringify({ pid: process.ppid, runDir: '/runs/a', command: 'node' }));
      expect(() => TigerIdLock.acquire('20150001', { runDir: '/runs/b', command: 'strategy', dir })).toThrow(TigerIdInUseError);
      expect(() => TigerIdLock.acquire('20150001', { runDir: '/runs/b', command: 'strategy', dir })).toThrow(`in use by Pounce process ${process.ppid} (node, run folder /runs/a)`);
      // A holder that has exited: its lock is taken over.
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      writeFileSync(path, JSON.stringify({ pid: Number(dead), runDir: '/runs/a', command: 'node' }));
      const lock = TigerIdLock.acquire('20150001', { runDir: '/runs/b', command: 'strategy', dir });
      expect(() => TigerIdLock.acquire('20150001', { runDir: '/runs/c', command: 'node', dir })).toThrow(/in use by Pounce process \d+ \(strategy, run folder \/runs\/b\)/);
      lock.release();
      expect(existsSync(path)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
