import { Observable, type OperatorFunction } from 'rxjs';
import type { BarLike, Indicator, IndicatorSpec } from './Indicator.ts';

/** A bar with the value its symbol's indicator had after it. */
export interface WithValue<B, O> {
  bar: B;
  value: O;
}

/** Bars kept per symbol to rebuild an indicator at a split: at least this many, or 10 warm-ups. */
const KEEP_FOR_SPLITS = 250;

/** A bar in the shares after a split of `ratio` new per old: prices divided, volume multiplied. */
const splitAdjusted = <B extends BarLike>(b: B, ratio: number): B => ({ ...b, open: b.open / ratio, high: b.high / ratio, low: b.low / ratio, close: b.close / ratio, volume: b.volume * ratio });

/**
 * Runs one instance of a declared indicator per symbol over a bar stream and emits each bar with
 * its value, from the first bar the symbol's indicator is warm (warm-up bars are not emitted).
 *
 * A bar with `splitRatio` (the first of a split's ex-date, from a venue that knows the split) makes
 * the symbol's history continuous: the indicator is rebuilt from its last bars adjusted to the new
 * shares (at least the last max(250, 10 x warm-up) bars; exact for window indicators, to within
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
      const recent = new Map<string, BarLike[]>();
      let keep = 0;
      return source.subscribe({
        next: (bar) => {
          let ind = bySym.get(bar.symbol);
          if (!ind) bySym.set(bar.symbol, (ind = spec.create()));
          keep ||= Math.max(KEEP_FOR_SPLITS, 10 * ind.warmUp);
          let kept = recent.get(bar.symbol);
          if (!kept) recent.set(bar.symbol, (kept = []));
          const ratio = (bar as { splitRatio?: number }).splitRatio;
          if (ratio !== undefined && ratio > 0 && ratio !== 1) {
            kept = kept.map((b) => splitAdjusted(b, ratio));
            recent.set(bar.symbol, kept);
            bySym.set(bar.symbol, (ind = spec.create()));
            for (const b of kept) ind.update(b);
          }
          kept.push(bar);
          // Trimmed in blocks: one splice per `keep` bars instead of a shift per bar.
          if (kept.length >= 2 * keep) kept.splice(0, kept.length - keep);
          const value = ind.update(bar);
          if (value !== undefined) sink.next({ bar, value });
        },
        error: (e: unknown) => sink.error(e),
        complete: () => sink.complete(),
      });
    });
}
