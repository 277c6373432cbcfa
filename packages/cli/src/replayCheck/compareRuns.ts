import type { Fill, Order, OrderRequest } from '@pounce/core';
import type { MarketBar } from '@pounce/matching';
import type { JournalEntry, SeenBar } from '@pounce/runtime';

/** Why a run and its replay differ. */
export type DifferenceCause =
  | 'latency'
  | 'fill-price'
  | 'fill-time'
  | 'partial-fill'
  | 'rejection'
  | 'missed-bar'
  | 'late-bar'
  | 'outside-order'
  | 'restart'
  | 'unexplained';

/** One difference between the run and its replay, with what differed and why. */
export interface Difference {
  /** 1-based, in time order. */
  n: number;
  cause: DifferenceCause;
  /** Replay time (epoch ms) the difference is about. */
  time: number;
  symbol: string | undefined;
  /** What differed, in a sentence. */
  what: string;
  /** Why, in a sentence. */
  why: string;
  /** For a difference that follows from an earlier one (the run's position or state diverged there). */
  follows?: number;
  run?: unknown;
  backtest?: unknown;
}

/** A decision (an order the strategy sent) and what became of it. */
export interface Decision {
  cid: string;
  /** Venue time the order was decided at, and the bar that time falls on. */
  vt: number;
  bar: number;
  req: OrderRequest;
  orderId: string | undefined;
  rejected: string | undefined;
  /** Venue time the order reached the venue (its open time), when known. */
  reached: number | undefined;
  fills: Fill[];
}

/** What one journal says: decisions, orders placed outside them, restarts. */
export interface JournalView {
  decisions: Decision[];
  /** Orders and fills of the account that no decision of this run explains. */
  outside: Array<{ orderId: string; symbol: string; time: number; order: Order | undefined; fills: Fill[] }>;
  restarts: Array<{ vt: number; downMs: number; lastVtBefore: number | undefined }>;
}

/** Sorted distinct slice times of the reference market, with lookups. */
export class SliceTimes {
  readonly times: number[];
  constructor(bars: readonly MarketBar[]) {
    this.times = [...new Set(bars.map((b) => b.time))].sort((a, b) => a - b);
  }

  /** Index of the latest slice at or before `t` (-1 before the first). */
  index(t: number): number {
    let lo = 0;
    let hi = this.times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The bar time `t` falls on (the latest slice at or before it). */
  barAt(t: number): number {
    const i = this.index(t);
    return i < 0 ? t : this.times[i]!;
  }
}

/** Reads a journal into decisions; `vt` on every line is required (journals since replay-check). */
export function readJournal(entries: readonly JournalEntry[], slices: SliceTimes): JournalView {
  const decisions = new Map<string, Decision>();
  const byOrder = new Map<string, Decision>();
  const orders = new Map<string, Order>();
  const fills: Fill[] = [];
  const restarts: JournalView['restarts'] = [];
  let lastVt: number | undefined;
  let lastT: number | undefined;
  for (const e of entries) {
    const vt = e.vt;
    if (vt === undefined && e.e !== 'note' && e.e !== 'state') {
      throw new Error(`replay-check: journal line "${e.e}" has no venue time (vt); the run was journaled by an older Pounce. Rerun it to check it`);
    }
    switch (e.e) {
      case 'intent':
        decisions.set(e.cid, { cid: e.cid, vt: vt!, bar: slices.barAt(vt!), req: e.req, orderId: undefined, rejected: undefined, reached: undefined, fills: [] });
        break;
      case 'rejected': {
        const d = decisions.get(e.cid);
        if (d) d.rejected = e.reason;
        else if (e.req) decisions.set(e.cid, { cid: e.cid, vt: vt!, bar: slices.barAt(vt!), req: e.req, orderId: undefined, rejected: e.reason, reached: undefined, fills: [] });
        break;
      }
      case 'accepted': {
        const d = decisions.get(e.cid);
        if (d) {
          d.orderId = e.orderId;
          d.reached ??= vt;
          byOrder.set(e.orderId, d);
        }
        break;
      }
      case 'order':
        if (!orders.has(e.order.id)) orders.set(e.order.id, e.order);
        break;
      case 'fill':
        fills.push(e.fill);
        break;
      case 'note':
        if (e.text === 'resumed') restarts.push({ vt: vt ?? lastVt ?? 0, downMs: lastT === undefined ? 0 : e.t - lastT, lastVtBefore: lastVt });
        break;
      default:
        break;
    }
    if (vt !== undefined) lastVt = vt;
    lastT = e.t;
  }
  const outside = new Map<string, JournalView['outside'][number]>();
  for (const o of orders.values()) {
    const d = byOrder.get(o.id) ?? (o.userMark ? decisions.get(o.userMark) : undefined);
    if (d) {
      // The venue's own stamp of when the order arrived; the reply's time when no push was seen.
      d.reached = o.openTime;
      if (!d.orderId) {
        d.orderId = o.id;
        byOrder.set(o.id, d);
      }
    } else if (o.id !== '') outside.set(o.id, { orderId: o.id, symbol: o.symbol, time: o.openTime, order: o, fills: [] });
  }
  for (const f of fills) {
    const d = byOrder.get(f.orderId);
    if (d) d.fills.push(f);
    else {
      const x = outside.get(f.orderId) ?? { orderId: f.orderId, symbol: f.symbol, time: f.time, order: undefined, fills: [] };
      x.fills.push(f);
      outside.set(f.orderId, x);
    }
  }
  return { decisions: [...decisions.values()].sort((a, b) => a.vt - b.vt), outside: [...outside.values()], restarts };
}

const decisionKey = (d: Decision) => {
  const r = d.req;
  return `${d.bar}|${r.symbol}|${r.action}|${r.orderType}|${r.quantity}|${r.limitPrice ?? ''}|${r.auxPrice ?? ''}|${r.trailingPercent ?? ''}`;
};
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const orderText = (d: Decision) => {
  const r = d.req;
  const price = r.limitPrice !== undefined ? ` @ ${r.limitPrice}` : r.auxPrice !== undefined ? ` stop ${r.auxPrice}` : '';
  return `${r.action} ${r.quantity} ${r.symbol} ${r.orderType}${price}`;
};
const fillText = (fs: readonly Fill[]) => (fs.length === 0 ? 'no fill' : fs.map((f) => `${f.quantity} @ ${f.price} at ${iso(f.time)}`).join(', '));
const filled = (fs: readonly Fill[]) => fs.reduce((s, f) => s + f.quantity, 0);
const decisionView = (d: Decision) => ({ cid: d.cid, decidedAt: d.bar, order: d.req, orderId: d.orderId, rejected: d.rejected, reachedVenueAt: d.reached, fills: d.fills.map((f) => ({ time: f.time, quantity: f.quantity, price: f.price })) });

export interface CompareInput {
  run: JournalView;
  backtest: JournalView;
  /** The market the venue had (the replay's bars) and what the run's strategy saw. */
  reference: readonly MarketBar[];
  seen: readonly SeenBar[];
  slices: SliceTimes;
}

export interface Comparison {
  differences: Difference[];
  matched: number;
  missedBars: number;
  lateBars: number;
}

/**
 * Lines up the run's decisions and fills with the replay's and explains each difference. A
 * difference with a cause of its own (a rejection, latency, a missed bar, a restart...) is a root;
 * a decision that only one side made, with no cause of its own, follows from the latest root
 * before it (the run's positions or the strategy's state diverged there), else it is unexplained.
 */
export function compareRuns(c: CompareInput): Comparison {
  type Draft = Omit<Difference, 'n'> & { root: boolean; order: number };
  const drafts: Draft[] = [];
  let seq = 0;
  const add = (d: Omit<Draft, 'order'>) => drafts.push({ ...d, order: seq++ });

  // Bars: what the venue had but the strategy never saw, or saw after the venue had moved on.
  const seenKey = new Map<string, SeenBar>();
  for (const b of c.seen) if (!seenKey.has(`${b.time}|${b.symbol}`)) seenKey.set(`${b.time}|${b.symbol}`, b);
  const restartSpans = c.run.restarts.map((r) => ({ from: r.lastVtBefore ?? -Infinity, to: r.vt }));
  const inRestart = (t: number) => restartSpans.some((s) => t >= s.from && t <= s.to);
  let missedBars = 0;
  let lateBars = 0;
  const runs = new Map<string, { cause: 'missed-bar' | 'late-bar' | 'restart'; from: number; to: number; count: number; symbol: string; lastIndex: number }>();
  const flush = (k: string) => {
    const r = runs.get(k);
    if (!r) return;
    runs.delete(k);
    const span = r.from === r.to ? `the bar of ${iso(r.from)}` : `${r.count} bars from ${iso(r.from)} to ${iso(r.to)}`;
    if (r.cause === 'late-bar') {
      add({ root: true, cause: 'late-bar', time: r.from, symbol: r.symbol, what: `${r.symbol}: ${span} reached the strategy after the venue had moved on`, why: 'late bar: pushes were delayed, so the strategy decided on them later than the backtest' });
    } else {
      add({
        root: true, cause: r.cause, time: r.from, symbol: r.symbol, what: `${r.symbol}: ${span} never reached the strategy`,
        why: r.cause === 'restart' ? 'restart gap: the run was down while the venue moved on' : 'missed bar: the push stream dropped them (the venue matched orders on them; the strategy did not decide on them)',
      });
    }
  };
  for (const b of c.reference) {
    const i = c.slices.index(b.time);
    const s = seenKey.get(`${b.time}|${b.symbol}`);
    const next = c.slices.times[i + 1];
    const cause = !s ? (inRestart(b.time) ? 'restart' : 'missed-bar') : next !== undefined && s.seen >= next ? 'late-bar' : undefined;
    if (cause === 'missed-bar') missedBars++;
    if (cause === 'late-bar') lateBars++;
    const k = b.symbol;
    const r = runs.get(k);
    if (r && (r.cause !== cause || r.lastIndex < i - 1)) flush(k);
    if (!cause) continue;
    const cur = runs.get(k);
    if (cur) {
      cur.to = b.time;
      cur.count++;
      cur.lastIndex = i;
    } else runs.set(k, { cause, from: b.time, to: b.time, count: 1, symbol: b.symbol, lastIndex: i });
  }
  for (const k of [...runs.keys()]) flush(k);

  for (const r of c.run.restarts) {
    add({
      root: true, cause: 'restart', time: r.vt, symbol: undefined,
      what: `the run was restarted (--resume) at ${iso(r.vt)}${r.downMs > 0 ? ` after ${(r.downMs / 1000).toFixed(1)} s down` : ''}`,
      why: "restart gap: the strategy's in-memory state (indicators, counters) started over; the backtest's did not",
    });
  }

  // Decisions, matched on (bar, symbol, side, quantity, type, prices).
  const pool = new Map<string, Decision[]>();
  for (const d of c.backtest.decisions) {
    const k = decisionKey(d);
    const q = pool.get(k);
    if (q) q.push(d);
    else pool.set(k, [d]);
  }
  let matched = 0;
  const onlyRun: Decision[] = [];
  for (const j of c.run.decisions) {
    const b = pool.get(decisionKey(j))?.shift();
    if (!b) {
      onlyRun.push(j);
      continue;
    }
    matched++;
    const sym = j.req.symbol;
    const both = { run: decisionView(j), backtest: decisionView(b) };
    if (j.rejected !== undefined && b.rejected === undefined) {
      add({ root: true, cause: 'rejection', time: j.bar, symbol: sym, what: `${orderText(j)} decided at ${iso(j.bar)}: refused in the run, ${fillText(b.fills)} in the backtest`, why: `rejection: ${j.rejected}`, ...both });
      continue;
    }
    if (b.rejected !== undefined && j.rejected === undefined) {
      add({ root: true, cause: 'rejection', time: j.bar, symbol: sym, what: `${orderText(j)} decided at ${iso(j.bar)}: refused in the backtest, ${fillText(j.fills)} in the run`, why: `rejection (backtest): ${b.rejected}`, ...both });
      continue;
    }
    if (j.rejected !== undefined) continue;
    if (j.orderId === undefined && b.orderId !== undefined) {
      add({
        root: true, cause: 'latency', time: j.bar, symbol: sym,
        what: `${orderText(j)} decided at ${iso(j.bar)}: the venue had not answered when the run ended (outcome unknown); backtest ${fillText(b.fills)}`,
        why: 'latency: no answer from the venue in time', ...both,
      });
      continue;
    }
    const late = j.reached !== undefined ? c.slices.index(j.reached) - c.slices.index(j.vt) : 0;
    if (late > 0) {
      add({
        root: true, cause: 'latency', time: j.bar, symbol: sym,
        what: `${orderText(j)} decided at ${iso(j.bar)} reached the venue ${late} bar${late > 1 ? 's' : ''} later (${iso(c.slices.barAt(j.reached!))}): run ${fillText(j.fills)}, backtest ${fillText(b.fills)}`,
        why: 'latency: the order reached the venue after the market had moved past the bar it was decided on', ...both,
      });
      continue;
    }
    const jq = filled(j.fills);
    const bq = filled(b.fills);
    if (jq !== bq) {
      add({ root: true, cause: 'partial-fill', time: j.bar, symbol: sym, what: `${orderText(j)} decided at ${iso(j.bar)}: run filled ${jq}, backtest ${bq} (run ${fillText(j.fills)}; backtest ${fillText(b.fills)})`, why: 'partial fill: the venue filled a different quantity', ...both });
      continue;
    }
    const pairs = j.fills.map((f, i) => [f, b.fills[i]] as const);
    const priceDiff = pairs.find(([x, y]) => !y || x.price !== y.price || x.quantity !== y.quantity);
    if (priceDiff) {
      add({ root: true, cause: 'fill-price', time: j.bar, symbol: sym, what: `${orderText(j)} decided at ${iso(j.bar)}: run ${fillText(j.fills)}, backtest ${fillText(b.fills)}`, why: 'fill price: the venue filled at another price than the backtest', ...both });
      continue;
    }
    if (pairs.some(([x, y]) => x.time !== y!.time)) {
      add({ root: true, cause: 'fill-time', time: j.bar, symbol: sym, what: `${orderText(j)} decided at ${iso(j.bar)}: run ${fillText(j.fills)}, backtest ${fillText(b.fills)}`, why: 'fill time: the same fills came on another bar', ...both });
    }
  }

  for (const x of c.run.outside) {
    add({
      root: true, cause: 'outside-order', time: x.time, symbol: x.symbol,
      what: `order ${x.orderId} (${x.order ? `${x.order.action} ${x.order.totalQuantity} ${x.order.symbol} ${x.order.orderType}` : x.symbol}) with ${fillText(x.fills)} is in the run's account but no decision of this run placed it`,
      why: 'order placed outside Pounce (by hand, another program, or another run on the account)', run: x,
    });
  }

  // Decisions only one side made: caused by the latest root at or before them.
  const onlyBacktest = [...pool.values()].flat();
  const roots = drafts.filter((d) => d.root).sort((a, b) => a.time - b.time || a.order - b.order);
  /** The latest root at or before `t` (binary search: roots are sorted by time). */
  const rootBefore = (t: number) => {
    let lo = 0;
    let hi = roots.length - 1;
    let found: Draft | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (roots[mid]!.time <= t) {
        found = roots[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const unmatched = [...onlyRun.map((d) => ['run', d] as const), ...onlyBacktest.map((d) => ['backtest', d] as const)];
  for (const [side, d] of unmatched) {
    const root = rootBefore(d.bar);
    const what = side === 'run'
      ? `${orderText(d)} decided at ${iso(d.bar)} in the run (${d.rejected ? `refused: ${d.rejected}` : fillText(d.fills)}); the backtest made no such decision`
      : `${orderText(d)} decided at ${iso(d.bar)} in the backtest (${fillText(d.fills)}); the run made no such decision`;
    const extra = side === 'run' ? { run: decisionView(d) } : { backtest: decisionView(d) };
    if (root) {
      add({ root: false, cause: root.cause, time: d.bar, symbol: d.req.symbol, what, why: `follows from an earlier ${root.cause} (${root.what})`, ...extra, follows: root.order });
    } else {
      add({ root: false, cause: 'unexplained', time: d.bar, symbol: d.req.symbol, what, why: 'unexplained: same bars, same state, another decision (does the strategy read the wall clock or a random source?)', ...extra });
    }
  }

  drafts.sort((a, b) => a.time - b.time || a.order - b.order);
  const numberOf = new Map(drafts.map((d, i) => [d.order, i + 1]));
  const differences = drafts.map(({ root: _root, order: _order, follows, ...d }, i) => ({ ...d, n: i + 1, ...(follows !== undefined ? { follows: numberOf.get(follows) } : {}) }));
  return { differences, matched, missedBars, lateBars };
}
