import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/** The kill switch's file: `touch <run>/KILL` cancels open orders and stops the run. */
export const KILL_FILE = 'KILL';

/**
 * Watches a run folder for its KILL file and calls `onKill` once, within a fraction of a second:
 * `fs.watch` reports it at once where the platform supports it, and a short poll catches what a
 * watcher can miss (network filesystems, a watcher that failed to start).
 *
 * @example
 * ```ts
 * const w = KillFileWatcher.start(runDir, () => void engine.kill('KILL file'));
 * // ... at stop:
 * w.stop();
 * ```
 */
export class KillFileWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private fired = false;

  private constructor(private readonly path: string, private readonly onKill: () => void) {}

  static start(runDir: string, onKill: () => void, pollMs = 200): KillFileWatcher {
    const w = new KillFileWatcher(join(runDir, KILL_FILE), onKill);
    try {
      w.watcher = watch(runDir, { persistent: false }, (_event, name) => {
        if (name === null || String(name) === KILL_FILE) w.check();
      });
      w.watcher.on('error', () => w.watcher?.close());
    } catch {
      // No watcher on this filesystem: the poll below still sees the file.
    }
    w.poll = setInterval(() => w.check(), pollMs);
    w.poll.unref();
    w.check();
    return w;
  }

  private check(): void {
    if (this.fired || !existsSync(this.path)) return;
    this.fired = true;
    this.stop();
    this.onKill();
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.poll);
  }
}
