/** Immediates queued at a time: one event-loop iteration (I/O poll, timers) per this many waits. */
export const IMMEDIATE_BATCH = 64;

const waiting: Array<() => void> = [];
let queued = 0;
/** Fresh immediates of waits that went behind other code's (see nextImmediate), not yet run. */
let fresh = 0;

function runOne(): void {
  queued--;
  waiting.shift()?.();
}

/** Whether code other than these waits has an immediate due (each counts as one 'Immediate' resource while pending). */
function othersQueued(): boolean {
  let pending = 0;
  for (const r of process.getActiveResourcesInfo()) if (r === 'Immediate') pending++;
  return pending > queued + fresh;
}

/**
 * Resolves in a later immediate, like `new Promise((r) => setImmediate(r))`, for a fraction of its
 * cost: immediates are queued `IMMEDIATE_BATCH` at a time, and each wait takes the next one. Node
 * runs its tick queue, microtasks and rejection processing between two immediates of one batch,
 * so an unhandled rejection is still reported before the wait resolves. Only the event loop's I/O
 * poll and timers are skipped in between; they run once per batch. A full loop iteration per wait
 * was 9 µs of mostly idle time on the minute-bar workload's 77k waits (a tenth of its run).
 * Waits from any number of replays share one queue, first come first served. When other code
 * has an immediate due (a strategy that yields with `setImmediate` after an order), the wait takes
 * a fresh immediate behind it instead, as before: that code still runs before the wait resolves,
 * not a batch later. (An `unref`'d immediate is not seen.)
 *
 * @example
 * ```ts
 * Promise.resolve().then(() => { throw new Error('bug'); }); // unhandled
 * await nextImmediate(); // process 'unhandledRejection' has fired by now
 * ```
 */
export function nextImmediate(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (othersQueued()) {
      fresh++;
      setImmediate(() => {
        fresh--;
        resolve();
      });
      return;
    }
    waiting.push(resolve);
    if (queued < waiting.length) {
      for (let i = 0; i < IMMEDIATE_BATCH; i++) setImmediate(runOne);
      queued += IMMEDIATE_BATCH;
    }
  });
}
