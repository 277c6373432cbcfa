import type { MarketBar as Bar } from './types.ts';

/**
 * Replays bars of several symbols in time order, one time slice per step. Everything it answers
 * (history, latest) is as of the replay clock: nothing after `now()` is visible.
 *
 * @example
 * ```ts
 * const replay = new MarketReplay(bars);
 * for (let slice = replay.step(); slice; slice = replay.step()) engine.onBars(slice);
 * ```
 */
export class MarketReplay {
  private readonly steps: Bar[][] = [];
  private readonly bySymbol = new Map<string, Bar[]>();
  private cursor = 0;
  /** A time the clock was moved to between steps (a timer), or -Infinity. */
  private stoppedAt = -Infinity;

  constructor(bars: readonly Bar[]) {
    const sorted = [...bars].sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : 1));
    for (const b of sorted) {
      const last = this.steps[this.steps.length - 1];
      if (last && last[0]!.time === b.time) last.push(b);
      else this.steps.push([b]);
      let s = this.bySymbol.get(b.symbol);
      if (!s) this.bySymbol.set(b.symbol, (s = []));
      s.push(b);
    }
  }

  get symbols(): string[] {
    return [...this.bySymbol.keys()];
  }

  /** Steps taken so far (the restart checkpoint). */
  get position(): number {
    return this.cursor;
  }

  get length(): number {
    return this.steps.length;
  }

  get done(): boolean {
    return this.cursor >= this.steps.length;
  }

  /**
   * Replay time: the start of the last emitted bar (before the first step, just before the first
   * bar), or the later time the clock was moved to with `advanceTo`.
   */
  now(): number {
    const stepTime = this.cursor === 0 ? (this.steps[0]?.[0]?.time ?? 1) - 1 : this.steps[this.cursor - 1]![0]!.time;
    return Math.max(stepTime, this.stoppedAt);
  }

  /** The time of the next step, undefined when the data has run out. */
  nextTime(): number | undefined {
    return this.steps[this.cursor]?.[0]?.time;
  }

  /**
   * Moves the clock to `t` without a step (a timer between two bars, a session close): never
   * back, never past the next step.
   */
  advanceTo(t: number): void {
    const next = this.nextTime();
    if (t > this.now() && (next === undefined || t <= next)) this.stoppedAt = t;
  }

  step(): Bar[] | undefined {
    if (this.cursor >= this.steps.length) return undefined;
    return this.steps[this.cursor++];
  }

  /** Bars of `symbol` with time <= now, oldest first. */
  history(symbol: string): Bar[] {
    const all = this.bySymbol.get(symbol);
    if (!all) return [];
    const now = this.now();
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid]!.time <= now) lo = mid + 1;
      else hi = mid;
    }
    return all.slice(0, lo);
  }

  latest(symbol: string): Bar | undefined {
    const h = this.history(symbol);
    return h[h.length - 1];
  }

  /** The bar before the latest (for preClose). */
  previous(symbol: string): Bar | undefined {
    const h = this.history(symbol);
    return h[h.length - 2];
  }

  has(symbol: string): boolean {
    return this.bySymbol.has(symbol);
  }
}
