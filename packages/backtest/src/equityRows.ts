import type { EquityPoint } from './BacktestVenue.ts';

/** Points per chunk: chunks are never copied, so appending stays O(1) without a doubling's copy. */
const CHUNK = 16_384;

/**
 * An equity curve kept as rows of doubles in fixed-size chunks (24 or 32 bytes a point), turned
 * into EquityPoint objects only when read. A million point objects made during a replay cost a
 * quarter of a one-symbol backtest's CPU in garbage collection (each survives the young
 * generation and is copied out of it); the chunks are one allocation per 16k points. The points
 * read back are exactly the values appended (doubles are stored as they are), with `benchmark`
 * set when the curve has one.
 */
export class EquityRows {
  private readonly chunks: Float64Array[] = [];
  private readonly width: number;
  private size = 0;
  /** The points made by the last `points()`, while nothing was appended since. */
  private made: EquityPoint[] | undefined;

  /** `withBenchmark`: every point carries a benchmark value (see `append`). */
  constructor(private readonly withBenchmark: boolean) {
    this.width = withBenchmark ? 4 : 3;
  }

  get length(): number {
    return this.size;
  }

  /** `benchmark` is stored only when the curve was made with one (and is then expected every time). */
  append(time: number, equity: number, gross: number, benchmark: number | undefined): void {
    const row = this.size % CHUNK;
    if (row === 0) this.chunks.push(new Float64Array(CHUNK * this.width));
    const c = this.chunks[this.chunks.length - 1]!;
    const at = row * this.width;
    c[at] = time;
    c[at + 1] = equity;
    c[at + 2] = gross;
    if (this.withBenchmark) c[at + 3] = benchmark!;
    this.size++;
    this.made = undefined;
  }

  /** Every point as an object (the same array until the next append). */
  points(): EquityPoint[] {
    if (this.made) return this.made;
    const out: EquityPoint[] = new Array(this.size);
    const w = this.width;
    for (let i = 0; i < this.size; i++) {
      const c = this.chunks[Math.floor(i / CHUNK)]!;
      const at = (i % CHUNK) * w;
      out[i] = this.withBenchmark ? { time: c[at]!, equity: c[at + 1]!, gross: c[at + 2]!, benchmark: c[at + 3]! } : { time: c[at]!, equity: c[at + 1]!, gross: c[at + 2]! };
    }
    this.made = out;
    return out;
  }
}
