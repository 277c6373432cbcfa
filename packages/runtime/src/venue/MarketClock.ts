import { TimedSleepers, type Clock } from '@pounce/core';


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
  private readonly sleepers = new TimedSleepers();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly time: () => number, private readonly pollMs = 1000) {}

  now(): number {
    return this.time();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    const done = this.sleepers.add(this.time() + ms, signal);
    this.timer ??= setInterval(() => this.poke(), this.pollMs).unref();
    return done;
  }

  /** Ends the sleeps that are due (call when market time moves). */
  poke(): void {
    if (this.sleepers.size === 0) return;
    const market = this.time();
    const wall = Date.now();
    const wallCounts = Math.abs(wall - market) < DAY;
    this.sleepers.release((due) => due <= market || (wallCounts && due <= wall));
    if (this.sleepers.size === 0) this.stopTimer();
  }

  /** Stops polling; pending sleeps stay pending. */
  stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
