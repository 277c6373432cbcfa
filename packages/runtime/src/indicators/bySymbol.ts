import { Observable, type OperatorFunction } from 'rxjs';
import type { BarLike, Indicator, IndicatorSpec } from './Indicator.ts';

/** A bar with the value its symbol's indicator had after it. */
export interface WithValue<B, O> {
  bar: B;
  value: O;
}

/** Bars kept per symbol to rebuild an indicator at a split: at least this many, or 10 warm-ups. */
const KEEP_FOR_SPLITS = 250;

/**
 * The last `size` bars of one symbol as numbers in a ring (open, high, low, close, volume each): no
 * bar objects are kept alive, so the garbage collector's work does not grow with it.
 */
class RecentBars {
  private readonly v: Float64Array;
  private next = 0;
  private count = 0;

  constructor(private readonly size: number) {
    this.v = new Float64Array(size * 5);
  }

  push(b: BarLike): void {
    const i = this.next * 5;
    this.v[i] = b.open;
    this.v[i + 1] = b.high;
    this.v[i + 2] = b.low;
    this.v[i + 3] = b.close;
    this.v[i + 4] = b.volume;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** Moves every kept bar to the shares after a split of `ratio` new per old: prices divided, volume multiplied. */
  split(ratio: number): void {
    for (let k = 0; k < this.v.length; k += 5) {
      for (let j = 0; j < 4; j++) this.v[k + j] = this.v[k + j]! / ratio;
      this.v[k + 4] = this.v[k + 4]! * ratio;
    }
  }

  /** The kept bars, oldest first. */
  *bars(): Generator<BarLike> {
    for (let n = 0; n < this.count; n++) {
      const i = ((this.next - this.count + n + this.size) % this.size) * 5;
      yield { open: this.v[i]!, high: this.v[i + 1]!, low: this.v[i + 2]!, close: this.v[i + 3]!, volume: this.v[i + 4]! };
    }
  }
}

/**
 * Runs one instance of a declared indicator per symbol over a bar stream and emits each bar with
 * its value, from the first bar the symbol's indicator is warm (warm-up bars are not emitted).
 *
 * A bar with `splitRatio` (the first of a split's ex-date, from a venue that knows the split) makes
 * the symbol's history continuous: the indicator is rebuilt from its last bars adjusted to the new
 * shares (the last max(250, 10 x warm-up) bars; exact for window indicators, to within
 * (1 - alpha)^that for exponential ones; cumulative ones such as OBV restart from that window).
 *
 * @example
 * ```ts
 * ctx.bars$().pipe(bySymbol(cross(sma(10), sma(30)))).subscribe(({ bar, value }) => {
 *   if (value > 0) void ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: 100 });
 * });
 * ```
 */
export function bySymbol<B extends BarLike & { readonly symbol: string }, O>(spec: IndicatorSpec<BarLike, O>): OperatorFunction<B, WithValue<B, O>> {
  return (source) =>
    new Observable<WithValue<B, O>>((sink) => {
      const bySym = new Map<string, Indicator<BarLike, O>>();
      const recent = new Map<string, RecentBars>();
      return source.subscribe({
        next: (bar) => {
          let ind = bySym.get(bar.symbol);
          let kept = recent.get(bar.symbol);
          if (!ind || !kept) {
            bySym.set(bar.symbol, (ind = spec.create()));
            recent.set(bar.symbol, (kept = new RecentBars(Math.max(KEEP_FOR_SPLITS, 10 * ind.warmUp))));
          }
          const ratio = (bar as { splitRatio?: number }).splitRatio;
          if (ratio !== undefined && ratio > 0 && ratio !== 1) {
            kept.split(ratio);
            bySym.set(bar.symbol, (ind = spec.create()));
            for (const b of kept.bars()) ind.update(b);
          }
          kept.push(bar);
          const value = ind.update(bar);
          if (value !== undefined) sink.next({ bar, value });
        },
        error: (e: unknown) => sink.error(e),
        complete: () => sink.complete(),
      });
    });
}
