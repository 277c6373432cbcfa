import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createExclusive, isAlive } from '../journal/lockFile.ts';

/** Thrown when another live Pounce process on this machine already uses the tiger_id. */
export class TigerIdInUseError extends Error {
  override readonly name = 'TigerIdInUseError';
}

export interface Holder {
  pid: number;
  runDir: string;
  command: string;
}

/** `POUNCE_LOCK_DIR`, else `~/.pounce/locks`: per user, the same folder from every shell (unlike a per-session TMPDIR). */
export function tigerLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POUNCE_LOCK_DIR ?? join(homedir(), '.pounce', 'locks');
}

function read(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.runDir === 'string' ? { pid: h.pid, runDir: h.runDir, command: String(h.command ?? '') } : undefined;
  } catch {
    return undefined;
  }
}


const create = (path: string, h: Holder): boolean => createExclusive(path, JSON.stringify(h));

/**
 * One Pounce process per tiger_id on a machine: the broker keeps one push connection per tiger_id
 * and a second login kicks the first off, so a second process (node or strategy) is refused
 * before it connects, naming the running one. A lock left by a process that no longer runs is
 * taken over.
 *
 * @example
 * ```ts
 * const lock = TigerIdLock.acquire('20150001', { runDir: '.pounce/nodes/demo', command: 'node' });
 * try { ... } finally { lock.release(); }
 * ```
 */
export class TigerIdLock {
  private held = true;

  private constructor(readonly path: string) {}

  static acquire(tigerId: string, o: { runDir: string; command: string; dir?: string }): TigerIdLock {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(tigerId)) throw new Error(`tiger_id: expected letters, digits, _ or -, got "${tigerId}"`);
    const dir = o.dir ?? tigerLockDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `tiger-${tigerId}.lock`);
    const me: Holder = { pid: process.pid, runDir: o.runDir, command: o.command };
    for (let attempt = 0; attempt < 2; attempt++) {
      if (create(path, me)) return new TigerIdLock(path);
      const h = read(path);
      if (h && (h.pid === process.pid || isAlive(h.pid))) {
        throw new TigerIdInUseError(`tiger_id ${tigerId} is in use by Pounce process ${h.pid} (${h.command || 'pounce'}, run folder ${h.runDir}); the broker allows one connection per tiger_id: run both strategies in one node, or stop that process first (lock ${path})`);
      }
      // Left by a crash (or unreadable): remove and try once more; a racing process wins the create.
      rmSync(path, { force: true });
    }
    throw new TigerIdInUseError(`tiger_id ${tigerId}: another process took the lock ${path} at the same moment; try again`);
  }

  /** The live Pounce process holding `tigerId` on this machine, if any (read-only: `pounce doctor`). */
  static holder(tigerId: string, dir = tigerLockDir()): Holder | undefined {
    const h = read(join(dir, `tiger-${tigerId}.lock`));
    return h && isAlive(h.pid) ? h : undefined;
  }

  /** Removes the lock if it is still ours (idempotent). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (read(this.path)?.pid === process.pid) rmSync(this.path, { force: true });
  }
}
