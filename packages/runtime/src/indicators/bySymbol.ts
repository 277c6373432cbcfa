import { Observable, type OperatorFunction } from 'rxjs';
import type { BarLike, Indicator, IndicatorSpec } from './Indicator.ts';

/** A bar with the value its symbol's indicator had after it. */
export interface WithValue<B, O> {
  bar: B;
  value: O;
}

/**
 * Runs one instance of a declared indicator per symbol over a bar stream and emits each bar with
 * its value, from the first bar the symbol's indicator is warm (warm-up bars are not emitted).
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
      return source.subscribe({
        next: (bar) => {
          let ind = bySym.get(bar.symbol);
          if (!ind) bySym.set(bar.symbol, (ind = spec.create()));
          const value = ind.update(bar);
          if (value !== undefined) sink.next({ bar, value });
        },
        error: (e: unknown) => sink.error(e),
        complete: () => sink.complete(),
      });
    });
}
