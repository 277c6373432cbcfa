import type { EquityPoint } from './BacktestVenue.ts';

const FIRST_CAPACITY = 1024;

/**
 * An equity curve kept as columns of doubles (32 bytes a point), turned into EquityPoint objects
 * only when read. A million point objects made during a replay cost a quarter of a one-symbol
 * backtest's CPU in garbage collection (each survives the young generation and is copied out of
 * it); the columns are two allocations per doubling. The points read back are exactly the values
 * appended (doubles are stored as they are), with `benchmark` set when the curve has one.
 */
export class EquityColumns {
  private time = new Float64Array(FIRST_CAPACITY);
  private equity = new Float64Array(FIRST_CAPACITY);
  private gross = new Float64Array(FIRST_CAPACITY);
  private benchmark: Float64Array | undefined;
  private size = 0;
  /** The points made by the last `points()`, while nothing was appended since. */
  private made: EquityPoint[] | undefined;

  /** `withBenchmark`: every point carries a benchmark value (see `append`). */
  constructor(withBenchmark: boolean) {
    if (withBenchmark) this.benchmark = new Float64Array(FIRST_CAPACITY);
  }

  get length(): number {
    return this.size;
  }

  /** `benchmark` is stored only when the curve was made with one (and is then expected every time). */
  append(time: number, equity: number, gross: number, benchmark: number | undefined): void {
    if (this.size === this.time.length) this.grow();
    const i = this.size++;
    this.time[i] = time;
    this.equity[i] = equity;
    this.gross[i] = gross;
    if (this.benchmark) this.benchmark[i] = benchmark!;
    this.made = undefined;
  }

  /** Every point as an object (the same array until the next append). */
  points(): EquityPoint[] {
    if (this.made) return this.made;
    const out: EquityPoint[] = new Array(this.size);
    const b = this.benchmark;
    for (let i = 0; i < this.size; i++) {
      out[i] = b ? { time: this.time[i]!, equity: this.equity[i]!, gross: this.gross[i]!, benchmark: b[i]! } : { time: this.time[i]!, equity: this.equity[i]!, gross: this.gross[i]! };
    }
    this.made = out;
    return out;
  }

  private grow(): void {
    const bigger = (a: Float64Array) => {
      const n = new Float64Array(a.length * 2);
      n.set(a);
      return n;
    };
    this.time = bigger(this.time);
    this.equity = bigger(this.equity);
    this.gross = bigger(this.gross);
    if (this.benchmark) this.benchmark = bigger(this.benchmark);
  }
}
