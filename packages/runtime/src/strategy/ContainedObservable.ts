import { Observable, Subscriber, type Observer, type Operator, type Subscription } from 'rxjs';

/** Receives an error thrown by strategy code, with where it was thrown (e.g. `bars$ subscriber`). */
export type StrategyErrorSink = (error: unknown, where: string) => void;

/** A Subscriber (or a look-alike) is RxJS plumbing between operators: it is passed through untouched. */
function isPlumbing(v: unknown): boolean {
  if (v instanceof Subscriber) return true;
  const s = v as Partial<Subscription> | null;
  return typeof s === 'object' && s !== null && typeof s.unsubscribe === 'function' && typeof s.add === 'function';
}

/**
 * An Observable whose consumer callbacks run inside a try/catch that hands what they throw to the
 * run's strategy-error sink. RxJS 7 would otherwise report such an error asynchronously
 * (`config.onUnhandledError`, else a rethrow in a timeout: an uncaught exception that ends the
 * process) with nothing to tell which run it came from. `pipe(...)` keeps the wrapping (operators
 * go through `lift`), so `ctx.bars$().pipe(map(f)).subscribe(g)` contains a throw in `f` or `g`. A
 * promise a callback returns (an `async` handler) is watched too. An error the stream itself ends
 * with, when the consumer gave no `error` callback, goes to the sink as well.
 *
 * @example
 * ```ts
 * const bars$ = new ContainedObservable<Bar>((e, where) => console.error(where, e), 'bars$ subscriber', (s) => source$.subscribe(s));
 * bars$.subscribe(() => { throw new Error('bug'); }); // logged "bars$ subscriber", the process lives on
 * ```
 */
export class ContainedObservable<T> extends Observable<T> {
  constructor(
    private readonly sink: StrategyErrorSink,
    private readonly where: string,
    subscribe?: (this: Observable<T>, subscriber: Subscriber<T>) => (() => void) | Subscription | void,
  ) {
    super(subscribe);
  }

  /** Wraps `source` so its consumers' errors reach `sink`. */
  static of<T>(source: Observable<T>, sink: StrategyErrorSink, where: string): ContainedObservable<T> {
    return new ContainedObservable<T>(sink, where, (subscriber) => source.subscribe(subscriber));
  }

  // RxJS builds `pipe(...)` chains through lift; returning our own class keeps the wrapping on them.
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const lifted = new ContainedObservable<R>(this.sink, this.where);
    lifted.source = this;
    lifted.operator = operator;
    return lifted;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null, error?: ((e: unknown) => void) | null, complete?: (() => void) | null): Subscription {
    if (isPlumbing(observerOrNext)) return super.subscribe(observerOrNext as Subscriber<T>);
    const o: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null ? { next: observerOrNext ?? undefined, error: error ?? undefined, complete: complete ?? undefined } : observerOrNext;
    const guarded = (call: () => unknown): void => {
      try {
        const r = call();
        if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
          (r as PromiseLike<unknown>).then(undefined, (e: unknown) => this.sink(e, this.where));
        }
      } catch (e) {
        this.sink(e, this.where);
      }
    };
    return super.subscribe({
      next: (v) => guarded(() => o.next?.call(o, v)),
      error: (e: unknown) => (o.error ? guarded(() => o.error!.call(o, e)) : this.sink(e, `${this.where} (stream error with no error callback)`)),
      complete: () => guarded(() => o.complete?.call(o)),
    });
  }
}
