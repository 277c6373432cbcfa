import { TimedSleepers, type Clock } from '@pounce/core';


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
  private readonly sleepers = new TimedSleepers();

  constructor(private readonly time: () => number, private readonly over: () => boolean) {}

  now(): number {
    return this.time();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0 || this.over()) return Promise.resolve();
    return this.sleepers.add(this.time() + ms, signal);
  }

  /** The earliest time a sleeper waits for, undefined when none waits. */
  nextDue(): number | undefined {
    return this.sleepers.nextDue();
  }

  /** Sleepers waiting for replay time to move on. */
  get waiting(): number {
    return this.sleepers.size;
  }

  /** Releases every sleeper whose time has come (all of them once the replay is over). */
  fireDue(): void {
    if (this.sleepers.size === 0) return;
    const now = this.time();
    const over = this.over();
    this.sleepers.release((due) => over || due <= now);
  }
}
