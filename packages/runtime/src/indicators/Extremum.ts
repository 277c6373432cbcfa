import type { Indicator } from './Indicator.ts';

/**
 * Highest (or lowest) of the last `period` inputs with a monotonic deque in a ring buffer: each
 * input enters and leaves the deque once, so an update is O(1) amortised and memory is O(period).
 */
class Extremum implements Indicator<number, number> {
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private len = 0;
  private n = 0;
  value: number | undefined;

  constructor(readonly period: number, private readonly better: (a: number, b: number) => boolean, name: string) {
    if (!Number.isInteger(period) || period < 1) throw new Error(`${name} period: expected a whole number >= 1, got ${period}`);
    this.vals = new Float64Array(period);
    this.idx = new Float64Array(period);
  }

  update(x: number): number | undefined {
    const i = this.n++;
    const cap = this.period;
    // Drop the front when it left the window, then every back entry that x beats (or ties: newer wins).
    if (this.len > 0 && this.idx[this.head]! <= i - cap) {
      this.head = (this.head + 1) % cap;
      this.len--;
    }
    while (this.len > 0) {
      const back = (this.head + this.len - 1) % cap;
      if (this.better(this.vals[back]!, x)) break;
      this.len--;
    }
    const at = (this.head + this.len) % cap;
    this.vals[at] = x;
    this.idx[at] = i;
    this.len++;
    return (this.value = this.n >= cap ? this.vals[this.head]! : undefined);
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  get warmUp(): number {
    return this.period;
  }
}

/** Highest of the last `period` inputs. */
export class Highest extends Extremum {
  constructor(period: number) {
    super(period, (a, b) => a > b, 'Highest');
  }
}

/** Lowest of the last `period` inputs. */
export class Lowest extends Extremum {
  constructor(period: number) {
    super(period, (a, b) => a < b, 'Lowest');
  }
}
