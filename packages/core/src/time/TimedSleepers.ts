interface Sleeper {
  due: number;
  resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Sleeps that end at a time of some clock other than the wall's (replay time, market time): each
 * waits for its `due`, and the clock's owner releases them as its time moves on. Abortable.
 *
 * @example
 * ```ts
 * const sleepers = new TimedSleepers();
 * const done = sleepers.add(replayNow + 60_000);
 * sleepers.release((due) => due <= replayNow); // after the replay moved on
 * ```
 */
export class TimedSleepers {
  private list: Sleeper[] = [];

  /** A sleep until `due`; rejects with the signal's reason when aborted first. */
  add(due: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const s: Sleeper = {
        due, resolve, signal,
        onAbort: () => {
          this.list = this.list.filter((x) => x !== s);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', s.onAbort, { once: true });
      this.list.push(s);
    });
  }

  get size(): number {
    return this.list.length;
  }

  /** The earliest time a sleeper waits for; undefined when none waits. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const s of this.list) if (due === undefined || s.due < due) due = s.due;
    return due;
  }

  /** Ends the sleeps whose `due` passes `isDue`; how many ended. */
  release(isDue: (due: number) => boolean): number {
    if (this.list.length === 0) return 0;
    const due = this.list.filter((s) => isDue(s.due));
    if (due.length === 0) return 0;
    this.list = this.list.filter((s) => !due.includes(s));
    for (const s of due) {
      s.signal?.removeEventListener('abort', s.onAbort);
      s.resolve();
    }
    return due.length;
  }
}
