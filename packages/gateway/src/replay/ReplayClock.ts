import type { Clock } from '@pounce/core';

interface Sleeper {
  due: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The venue's clock on a replaying gateway: `now()` is replay time, and `sleep(ms)` ends when the
 * replay has moved `ms` on (not after `ms` of wall time). Whatever counts market time in a run
 * (the client rate limiter) uses it, so a run decides the same at any replay speed. Once the
 * replay is over, market time stands still and sleepers are released at once.
 *
 * @example
 * ```ts
 * const clock = new ReplayClock(() => replay.now(), () => replay.done);
 * const api = OpenApiClient.fromConfig(cfg, { rateClock: clock });
 * // after each replay step:
 * clock.fireDue();
 * ```
 */
export class ReplayClock implements Clock {
  private sleepers: Sleeper[] = [];

  constructor(private readonly time: () => number, private readonly over: () => boolean) {}

  now(): number {
    return this.time();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0 || this.over()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const s: Sleeper = {
        due: this.time() + ms, resolve, reject, signal,
        onAbort: () => {
          this.sleepers = this.sleepers.filter((x) => x !== s);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', s.onAbort, { once: true });
      this.sleepers.push(s);
    });
  }

  /** The earliest time a sleeper waits for, undefined when none waits. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const s of this.sleepers) if (due === undefined || s.due < due) due = s.due;
    return due;
  }

  /** Sleepers waiting for replay time to move on. */
  get waiting(): number {
    return this.sleepers.length;
  }

  /** Releases every sleeper whose time has come (all of them once the replay is over). */
  fireDue(): void {
    if (this.sleepers.length === 0) return;
    const now = this.time();
    const over = this.over();
    const due = this.sleepers.filter((s) => over || s.due <= now);
    if (due.length === 0) return;
    this.sleepers = this.sleepers.filter((s) => !due.includes(s));
    for (const s of due) {
      s.signal?.removeEventListener('abort', s.onAbort);
      s.resolve();
    }
  }
}
