/**
 * Trade lists of two backtesters side by side: fills paired into closed round trips, then matched
 * trip by trip. Long-only strategies (a BUY opens, the SELL that flattens closes), as the peer rows
 * run. Times are bar keys in the data's own wall clock ('2012-01-02 10:37', or a date for daily
 * bars), so both sides are compared on the bar they filled on, whatever their clocks.
 */

export interface PeerFill {
  symbol: string;
  /** The fill's bar, in the file's wall clock: 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM'. */
  time: string;
  side: 'BUY' | 'SELL';
  price: number;
  quantity: number;
}

export interface RoundTrip {
  symbol: string;
  entryTime: string;
  entryPrice: number;
  exitTime: string;
  exitPrice: number;
  quantity: number;
}

/** Closed round trips from fills in time order (per symbol; a trip still open at the end is left out). */
export function roundTrips(fills: readonly PeerFill[]): RoundTrip[] {
  const open = new Map<string, { time: string; cost: number; quantity: number }>();
  const trips: RoundTrip[] = [];
  for (const f of fills) {
    const o = open.get(f.symbol);
    if (f.side === 'BUY') {
      if (o) {
        o.cost += f.price * f.quantity;
        o.quantity += f.quantity;
      } else open.set(f.symbol, { time: f.time, cost: f.price * f.quantity, quantity: f.quantity });
      continue;
    }
    if (!o) throw new Error(`${f.symbol} ${f.time}: a SELL with no open position (the peer rows trade long only)`);
    if (f.quantity !== o.quantity) throw new Error(`${f.symbol} ${f.time}: SELL ${f.quantity} against ${o.quantity} held (expected a full close)`);
    trips.push({ symbol: f.symbol, entryTime: o.time, entryPrice: o.cost / o.quantity, exitTime: f.time, exitPrice: f.price, quantity: f.quantity });
    open.delete(f.symbol);
  }
  return trips;
}

export interface TradeListComparison {
  ours: number;
  peer: number;
  /** Trips with the same symbol, entry and exit bars, quantity, and prices within 1e-9. */
  equal: number;
  oursOnly: RoundTrip[];
  peerOnly: RoundTrip[];
  /** Unmatched trips (either side) spanning a bar where the two averages were exactly equal. */
  atTies: number;
  /** Unmatched trips no tie accounts for: a real disagreement. */
  unexplained: number;
}

/**
 * Matches two trade lists. `tieFills` holds, per symbol, the sorted bar keys whose fills an exact tie
 * of the averages can decide (see tieFillBars): there the cross depends on the last bit of two
 * floating-point sums, which each engine rounds its own way, so one may trade where the other does not.
 * @example
 * const c = compareTradeLists(roundTrips(pounceFills), roundTrips(backtraderFills), new Map());
 * console.log(`${c.equal} of ${c.peer} equal, ${c.unexplained} unexplained`);
 */
export function compareTradeLists(ours: readonly RoundTrip[], peer: readonly RoundTrip[], tieFills: ReadonlyMap<string, readonly string[]>): TradeListComparison {
  const key = (t: RoundTrip) => `${t.symbol}\0${t.entryTime}\0${t.exitTime}\0${t.quantity}`;
  const samePrice = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  const waiting = new Map<string, RoundTrip[]>();
  for (const t of peer) {
    const k = key(t);
    const list = waiting.get(k);
    if (list) list.push(t);
    else waiting.set(k, [t]);
  }
  let equal = 0;
  const oursOnly: RoundTrip[] = [];
  for (const t of ours) {
    const list = waiting.get(key(t));
    const i = list?.findIndex((p) => samePrice(p.entryPrice, t.entryPrice) && samePrice(p.exitPrice, t.exitPrice)) ?? -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      equal++;
    } else oursOnly.push(t);
  }
  const peerOnly = [...waiting.values()].flat();
  const spansTie = (t: RoundTrip) => {
    const keys = tieFills.get(t.symbol) ?? [];
    const i = lowerBound(keys, t.entryTime);
    return i < keys.length && keys[i]! <= t.exitTime;
  };
  const atTies = [...oursOnly, ...peerOnly].filter(spansTie).length;
  return { ours: ours.length, peer: peer.length, equal, oursOnly, peerOnly, atTies, unexplained: oursOnly.length + peerOnly.length - atTies };
}

/**
 * The bars where the averages tie (`ties`) and the indices of the bars whose fills a tie can decide
 * (`fillBars`): for each bar i where the fast and slow simple
 * averages of `closes` are exactly equal, bars i+1 (an order sent on the tie fills there) and i+2
 * (an engine that saw no cross on the tie may see it one bar later). `closes` are whole numbers
 * (prices times 10^decimals), so equality is exact: fast average = slow average when
 * slow x sum(fast window) = fast x sum(slow window).
 */
export function tieFillBars(closes: readonly number[], fast: number, slow: number): { ties: number; fillBars: number[] } {
  const fillBars: number[] = [];
  let ties = 0;
  let sumFast = 0;
  let sumSlow = 0;
  for (let i = 0; i < closes.length; i++) {
    sumFast += closes[i]!;
    sumSlow += closes[i]!;
    if (i >= fast) sumFast -= closes[i - fast]!;
    if (i >= slow) sumSlow -= closes[i - slow]!;
    if (i < slow - 1 || slow * sumFast !== fast * sumSlow) continue;
    ties++;
    for (const j of [i + 1, i + 2]) if (j < closes.length && (fillBars.at(-1) ?? -1) < j) fillBars.push(j);
  }
  return { ties, fillBars };
}

function lowerBound(sorted: readonly string[], x: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
