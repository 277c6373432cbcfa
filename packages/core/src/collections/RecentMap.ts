/**
 * A map that remembers only its most recent keys: entries live in two generations of
 * `generation` keys each; when the newer one fills up, the older one is dropped whole. So it holds
 * between `generation` and `2 x generation` entries, however long the process runs, at the cost
 * of forgetting keys not written for that many newer ones. For per-order bookkeeping that only
 * ever needs recent orders (a late push trails by seconds, not by thousands of orders).
 *
 * A `get` of an older-generation key does not move it to the newer one: only `set` does.
 *
 * @example
 * ```ts
 * const m = new RecentMap<string, number>(2);
 * m.set('a', 1); m.set('b', 2); m.set('c', 3); // 'a' and 'b' are now the older generation
 * m.get('a'); // 1
 * m.set('d', 4); m.set('e', 5); // the generation of 'a' and 'b' is dropped
 * m.has('a'); // false
 * ```
 */
export class RecentMap<K, V> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();

  constructor(private readonly generation: number) {
    if (!(Number.isInteger(generation) && generation > 0)) throw new Error(`RecentMap generation: expected a positive integer, got ${generation}`);
  }

  get(key: K): V | undefined {
    return this.newer.get(key) ?? this.older.get(key);
  }

  has(key: K): boolean {
    return this.newer.has(key) || this.older.has(key);
  }

  set(key: K, value: V): this {
    this.newer.set(key, value);
    if (this.newer.size >= this.generation) {
      this.older = this.newer;
      this.newer = new Map();
    }
    return this;
  }

  /** Entries held now (between `generation` and twice that once full). */
  get size(): number {
    return this.newer.size + this.older.size;
  }
}
