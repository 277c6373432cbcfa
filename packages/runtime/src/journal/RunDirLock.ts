import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createExclusive, isAlive } from './lockFile.ts';

/** Thrown when a run folder is already being written by a live process (or was left locked). */
export class RunDirLockedError extends Error {
  override readonly name = 'RunDirLockedError';
}

/** The pid in a LOCK file, or undefined while it is being written or unreadable. */
function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A LOCK (or takeover file) with no pid this long after it was made was left by a crash mid-write. */
const UNWRITTEN_AFTER_MS = 5_000;

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}


/** Creates `path` only if it does not exist (atomic), holding our pid; false when it exists. */
const createOurs = (path: string): boolean => createExclusive(path, String(process.pid));

/**
 * A run folder's `LOCK` file, holding the pid of the one process that may write the folder. Take
 * it before anything in the folder is touched (the embedded gateway's state lives there too); two
 * writers would truncate each other's command log and double-count fills.
 *
 * @example
 * ```ts
 * const lock = RunDirLock.acquire('.pounce/runs/demo', { takeOverStale: false });
 * try { ... } finally { lock.release(); }
 * ```
 */
export class RunDirLock {
  private held = true;

  private constructor(readonly dir: string, readonly path: string) {}

  /**
   * Creates the folder if needed and takes its lock with an exclusive create. A lock held by a
   * live process is refused, naming it. A lock left by a process that no longer runs (a crash)
   * is taken over only when `takeOverStale` (a `--resume`); otherwise it is refused too, so a
   * new run never lands silently in a crashed run's folder.
   */
  static acquire(dir: string, o: { takeOverStale: boolean }): RunDirLock {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'LOCK');
    if (createOurs(path)) return new RunDirLock(dir, path);
    const pid = lockHolder(path);
    // A LOCK with no pid is being written now, or was left empty by a crash between create and write.
    const crashedMidWrite = pid === undefined && olderThan(path, UNWRITTEN_AFTER_MS);
    if (pid === undefined && !crashedMidWrite) throw new RunDirLockedError(`run folder ${dir} is being locked by another process (its LOCK has no pid yet); stop it first (or use another --run-dir)`);
    if (pid === process.pid) throw new RunDirLockedError(`run folder ${dir} is already in use by this process`);
    if (pid !== undefined && isAlive(pid)) throw new RunDirLockedError(`run folder ${dir} is in use by process ${pid}; stop it first (or use another --run-dir)`);
    const who = pid === undefined ? 'a process that crashed while taking it' : `process ${pid}, which is no longer running (a crash?)`;
    if (!o.takeOverStale) {
      throw new RunDirLockedError(`run folder ${dir} was left locked by ${who}; continue it with --resume ${dir}, or use another --run-dir`);
    }
    return RunDirLock.takeOver(dir, path, pid);
  }

  /**
   * Replaces a stale LOCK. Only the holder of `LOCK.takeover` (an exclusive create) may remove
   * it, and only if it still names the dead process: two resumers racing cannot both end up
   * holding the folder (one removing the lock the other just took).
   */
  private static takeOver(dir: string, path: string, stalePid: number | undefined): RunDirLock {
    const guard = `${path}.takeover`;
    if (olderThan(guard, UNWRITTEN_AFTER_MS)) rmSync(guard, { force: true }); // left by a crash mid-takeover
    if (!createOurs(guard)) throw new RunDirLockedError(`run folder ${dir} is being taken over by another process (${lockHolder(guard) ?? 'unknown'}); stop it first`);
    try {
      if (lockHolder(path) === stalePid) rmSync(path, { force: true });
      if (createOurs(path)) return new RunDirLock(dir, path);
      throw new RunDirLockedError(`run folder ${dir} is in use by process ${lockHolder(path) ?? 'unknown'}; stop it first (or use another --run-dir)`);
    } finally {
      rmSync(guard, { force: true });
    }
  }

  /** Removes the lock if it is still ours (idempotent). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (lockHolder(this.path) === process.pid) rmSync(this.path, { force: true });
  }
}
