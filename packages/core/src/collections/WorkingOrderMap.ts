import { RecentMap } from './RecentMap.ts';

/**
 * Per-order state for a process that runs for weeks: an order's entry is kept for as long as the
 * order works, however many orders come after it (a GTC order or a bracket leg may fill weeks
 * later, and its entry must still be there then); once the order is final, the entry joins the
 * newest finished ones (a `RecentMap` of `generation` keys), so memory is bounded by the orders
 * working plus up to twice `generation`.
 *
 * @example
 * ```ts
 * const m = new WorkingOrderMap<string, number>(2);
 * m.set('gtc', 1); // working: kept however many orders follow
 * for (const id of ['a', 'b', 'c', 'd', 'e']) m.set(id, 0, false); // final at once
 * m.get('gtc'); // 1
 * m.has('a'); // false: an older finished generation was dropped
 * m.set('gtc', 1, false); // final now: it joins the newest finished orders
 * ```
 */
export class WorkingOrderMap<K, V> {
  private readonly working = new Map<K, V>();
  private readonly finished: RecentMap<K, V>;

  constructor(generation: number) {
    this.finished = new RecentMap(generation);
  }

  get(key: K): V | undefined {
    return this.working.get(key) ?? this.finished.get(key);
  }

  has(key: K): boolean {
    return this.working.has(key) || this.finished.has(key);
  }

  /** `working`: the order may still change (kept until set again as final); false for one known final. */
  set(key: K, value: V, working = true): this {
    if (working) this.working.set(key, value);
    else {
      this.working.delete(key);
      this.finished.set(key, value);
    }
    return this;
  }

  /** Whether `key` is held as working (false for a finished one and for one not held). */
  isWorking(key: K): boolean {
    return this.working.has(key);
  }

  /** Entries of orders still working. */
  get workingSize(): number {
    return this.working.size;
  }

  /** Entries held now: the working ones and the newest finished ones. */
  get size(): number {
    return this.working.size + this.finished.size;
  }
}
