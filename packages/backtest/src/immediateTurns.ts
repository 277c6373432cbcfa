/** Immediates queued at a time: one event-loop iteration (I/O poll, timers) per this many waits. */
export const IMMEDIATE_BATCH = 64;

const waiting: Array<() => void> = [];
let queued = 0;

function runOne(): void {
  queued--;
  waiting.shift()?.();
}

/**
 * Resolves in a later immediate, like `new Promise((r) => setImmediate(r))`, for a fraction of its
 * cost: immediates are queued `IMMEDIATE_BATCH` at a time, and each wait takes the next one. Node
 * runs its tick queue, microtasks and rejection processing between two immediates of one batch,
 * so an unhandled rejection is still reported before the wait resolves. Only the event loop's I/O
 * poll and timers are skipped in between; they run once per batch. A full loop iteration per wait
 * was 9 µs of mostly idle time on the minute-bar workload's 77k waits (a tenth of its run).
 * Waits from any number of replays share one queue, first come first served.
 *
 * @example
 * ```ts
 * Promise.resolve().then(() => { throw new Error('bug'); }); // unhandled
 * await nextImmediate(); // process 'unhandledRejection' has fired by now
 * ```
 */
export function nextImmediate(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (queued < waiting.length) {
      for (let i = 0; i < IMMEDIATE_BATCH; i++) setImmediate(runOne);
      queued += IMMEDIATE_BATCH;
    }
  });
}
