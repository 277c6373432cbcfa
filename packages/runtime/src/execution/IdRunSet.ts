const DECIMAL_ID = /^[1-9]\d{0,29}$/;

/**
 * A set of ids (fill execution ids) that stays small over a long run: decimal ids are kept as runs
 * of consecutive integers, because a venue's execution ids count up, so a run of n fills in one
 * account costs one run, not n strings (10M-bar backtests see 380k fills). Other ids are kept as
 * strings. Membership is exact: there is no hashing or expiry that could drop a new fill.
 *
 * @example
 * ```ts
 * const seen = new IdRunSet();
 * seen.add('30140000000000001'); // true: new
 * seen.add('30140000000000001'); // false: seen before
 * ```
 */
export class IdRunSet {
  /** Disjoint runs [starts[i], ends[i]], sorted, never adjacent (adjacent runs are merged). */
  private readonly starts: bigint[] = [];
  private readonly ends: bigint[] = [];
  private readonly other = new Set<string>();

  /** Adds `id`; false when it was already in the set. */
  add(id: string): boolean {
    if (!DECIMAL_ID.test(id)) {
      if (this.other.has(id)) return false;
      this.other.add(id);
      return true;
    }
    const x = BigInt(id);
    const { starts, ends } = this;
    const last = ends.length - 1;
    // Ids mostly arrive in order: extend or open the last run without a search.
    if (last < 0 || x > ends[last]! + 1n) {
      starts.push(x);
      ends.push(x);
      return true;
    }
    if (x === ends[last]! + 1n) {
      ends[last] = x;
      return true;
    }
    const i = this.runAtOrBefore(x);
    if (i >= 0 && x <= ends[i]!) return false;
    const joinsPrev = i >= 0 && ends[i]! + 1n === x;
    const joinsNext = i + 1 <= last && starts[i + 1]! - 1n === x;
    if (joinsPrev && joinsNext) {
      ends[i] = ends[i + 1]!;
      starts.splice(i + 1, 1);
      ends.splice(i + 1, 1);
    } else if (joinsPrev) ends[i] = x;
    else if (joinsNext) starts[i + 1] = x;
    else {
      starts.splice(i + 1, 0, x);
      ends.splice(i + 1, 0, x);
    }
    return true;
  }

  has(id: string): boolean {
    if (!DECIMAL_ID.test(id)) return this.other.has(id);
    const x = BigInt(id);
    const i = this.runAtOrBefore(x);
    return i >= 0 && x <= this.ends[i]!;
  }

  /** Index of the last run starting at or before x, or -1. */
  private runAtOrBefore(x: bigint): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= x) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Runs held (for tests and memory checks): ids in a run cost nothing more. */
  get runCount(): number {
    return this.starts.length + this.other.size;
  }
}
