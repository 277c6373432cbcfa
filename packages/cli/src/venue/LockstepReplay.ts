import { silentLogger, type Logger } from '@pounce/core';
import type { Gateway } from '@pounce/gateway';

export interface LockstepOptions {
  /** Replay steps per second at most, or `max` (as fast as the client keeps up). */
  speed: number | 'max';
  /**
   * Wall time a step may wait for the client before the replay moves on anyway (a client that
   * lost its push connection must not stop the market): warned, once per stall.
   */
  stallMs?: number;
  logger?: Logger;
}

/**
 * Drives an in-process gateway's replay in lockstep with its client: the next step is taken only
 * once the client has read every push of the previous one, no request is in flight, and every
 * continuation those caused has run (two quiet turns of the event loop). So a paper run on the
 * embedded gateway decides on the same bars, and gets the same fills, at any `speed`: the speed
 * only caps the rate. Replay-time sleepers (the client's rate limiter) wake as the replay moves.
 *
 * @example
 * ```ts
 * const replay = new LockstepReplay(gateway, () => clientCaughtUp(), { speed: 'max' });
 * await replay.start(); // resolves when the data has run out and the client has caught up
 * ```
 */
export class LockstepReplay {
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly log: Logger;
  /** Steps taken while the client had not caught up (stalls). */
  stalls = 0;

  constructor(private readonly gateway: Gateway, private readonly caughtUp: () => boolean, private readonly o: LockstepOptions) {
    this.log = o.logger ?? silentLogger;
  }

  private holds: Array<() => boolean> = [];

  /**
   * Also holds the replay while `busy()` is true: waits of the client's own that no request shows,
   * such as the pauses between lookups of an order whose reply was lost (the outcome is then
   * decided before the next bar at every speed).
   */
  holdWhile(busy: () => boolean): void {
    this.holds = [...this.holds, busy];
  }

  /** Starts the replay (once); resolves when it is over, or stopped. */
  start(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Stops after the current step. */
  stop(): void {
    this.stopped = true;
  }

  get done(): boolean {
    return this.gateway.finished;
  }

  private async loop(): Promise<void> {
    const interval = this.o.speed === 'max' ? 0 : 1000 / this.o.speed;
    let last = performance.now();
    await this.settle();
    while (!this.stopped) {
      const wait = last + interval - performance.now();
      if (wait > 1) {
        await new Promise((r) => setTimeout(r, wait));
        // Something may have started during the wait (a reconcile after a reconnect, a stop).
        await this.settle();
      }
      if (this.stopped) break;
      last = performance.now();
      // After the last slice one more call ends the last session (DAY orders expire) and steps nothing.
      const stepped = this.gateway.advance(1);
      await this.settle();
      if (stepped === 0) break;
    }
  }

  /** Waits until the client has caught up (or the stall limit passed). */
  private async settle(): Promise<void> {
    const giveUp = Date.now() + (this.o.stallMs ?? 10_000);
    let quiet = 0;
    let turns = 0;
    while (quiet < 2) {
      // Immediates let I/O in between; after a while back off to 1 ms so a wait does not spin a core.
      await new Promise<void>((r) => (turns++ < 200 ? setImmediate(r) : setTimeout(r, 1)));
      if (this.caughtUp() && !this.holds.some((busy) => busy())) {
        quiet++;
        continue;
      }
      quiet = 0;
      if (this.stopped) return;
      if (Date.now() > giveUp) {
        this.stalls++;
        this.log.warn('replay moved on without the client: it did not catch up in time', { stallMs: this.o.stallMs ?? 10_000, replayTime: this.gateway.replay.now() });
        return;
      }
    }
  }
}
