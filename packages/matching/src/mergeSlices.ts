import type { MarketBar } from './types.ts';

/**
 * Merges per-symbol bar sequences (each sorted by time) into time slices without loading or
 * sorting everything: a small heap keyed by each sequence's next bar time. Lazy: a slice is built
 * when it is asked for, so sequences may be generators over files or synthetic data.
 *
 * @example
 * ```ts
 * for (const slice of mergeSlices([nvdaBars, orclBars])) engine.onBar(...slice);
 * ```
 */
export function* mergeSlices(sources: ReadonlyArray<Iterable<MarketBar>>): Generator<MarketBar[]> {
  const its = sources.map((s) => s[Symbol.iterator]());
  const heads: Array<MarketBar | undefined> = its.map((it) => it.next().value as MarketBar | undefined);
  // Heap of source indexes ordered by (head time, source index) for a stable, deterministic order.
  const heap: number[] = [];
  const less = (a: number, b: number) => heads[a]!.time < heads[b]!.time || (heads[a]!.time === heads[b]!.time && a < b);
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      const t = heap[i]!;
      heap[i] = heap[p]!;
      heap[p] = t;
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      const t = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = t;
      i = m;
    }
  };
  heads.forEach((h, i) => {
    if (h) {
      heap.push(i);
      up(heap.length - 1);
    }
  });
  while (heap.length > 0) {
    const t = heads[heap[0]!]!.time;
    const slice: MarketBar[] = [];
    while (heap.length > 0 && heads[heap[0]!]!.time === t) {
      const i = heap[0]!;
      slice.push(heads[i]!);
      const next = its[i]!.next().value as MarketBar | undefined;
      if (next && next.time < t) throw new Error(`bars of ${next.symbol} are not in time order at ${new Date(next.time).toISOString()}`);
      heads[i] = next;
      if (next) down(0);
      else {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
        if (heap.length > 0) down(0);
      }
    }
    yield slice;
  }
}
