import type { Clock } from '@pounce/core';

interface Sleeper {
  due: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

const DAY = 86_400_000;

/**
 * The clock of a venue reached over the network whose time is the market's: `now()` is the latest
 * market-data time seen, and a sleep ends once market time has reached its end (`poke()` on each
 * push), or wall time has, while market time keeps up with wall time (a real account between
 * pushes, e.g. at the close). Against a replaying gateway far in the past only market time counts.
 *
 * @example
 * ```ts
 * const clock = new MarketClock(() => venue.now());
 * await clock.sleep(closeMs - clock.now()); // ends at the close
 * ```
 */
export class MarketClock implements Clock {
  private sleepers: Sleeper[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly time: () => number, private readonly pollMs = 1000) {}

  now(): number {
    return this.time();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
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
      this.timer ??= setInterval(() => this.poke(), this.pollMs).unref();
    });
  }

  /** Ends the sleeps that are due (call when market time moves). */
  poke(): void {
    if (this.sleepers.length === 0) return;
    const market = this.time();
    const wall = Date.now();
    const wallCounts = Math.abs(wall - market) < DAY;
    const due = this.sleepers.filter((s) => s.due <= market || (wallCounts && s.due <= wall));
    if (due.length === 0) return;
    this.sleepers = this.sleepers.filter((s) => !due.includes(s));
    if (this.sleepers.length === 0) this.stopTimer();
    for (const s of due) {
      s.signal?.removeEventListener('abort', s.onAbort);
      s.resolve();
    }
  }

  /** Stops polling; pending sleeps stay pending. */
  stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
