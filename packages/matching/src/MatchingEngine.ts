import { exDay, type CorporateAction } from './corporateActions/CorporateAction.ts';
import { tieredFees, type FeeModel } from './FeeModel.ts';
import { fillPrice } from './fillPrice.ts';
import { decimalIds } from './decimalIds.ts';
import { Ledger, type AccountSummary } from './Ledger.ts';
import { SessionDay } from './SessionDay.ts';
import { marketOf, shippedCalendar } from '@pounce/calendar';
import type { AttachedLegs, EngineEvent, EngineFill, EngineOrder, MarketBar, NewOrder, PositionState, Side } from './types.ts';

/** Starting cash of an account, the same for backtests, the embedded gateway and parity runs. */
export const DEFAULT_STARTING_CASH = 100_000;

export interface MatchingConfig {
  fees?: FeeModel;
  /** Share of a bar's volume one symbol's orders may take in that bar (bars with volume 0: no cap). */
  participation?: number;
  /** Adverse slippage on market-like fills (MKT, triggered STP, TRAIL), in basis points. */
  slippageBps?: number;
  initialCash?: number;
  /**
   * Time zone of the session day (DAY-order expiry, ex-dates) for every symbol. Default: each
   * symbol's exchange's (Hong Kong for a five-digit symbol such as `00700`, else New York).
   */
  sessionZone?: string;
  allowShort?: boolean;
  /** First order id; ids above 2^53 on purpose, like the service's, to keep clients honest. */
  orderIdBase?: bigint;
  fillIdBase?: bigint;
  /**
   * Keep finished orders and past fills for queries (default true; the gateway needs them). A long
   * backtest that streams its results turns this off so memory stays flat.
   */
  retainClosed?: boolean;
  /**
   * Splits and dividends, applied to positions, cash and working orders at the session open of
   * each ex-date (before the symbol's first bar of that session is matched). Bars are raw prices.
   */
  corporateActions?: readonly CorporateAction[];
  /** Share of a dividend withheld as tax from longs (0..1, default 0). */
  withholdingTax?: number;
}

/** A structurally invalid order (the gateway answers it with code 1010). */
export class OrderValidationError extends Error {
  override readonly name = 'OrderValidationError';
  constructor(readonly field: string, expected: string) {
    super(`${field}: expected ${expected}`);
  }
}
/** A cancel/modify the order's state does not allow. */
export class OrderStateError extends Error {
  override readonly name = 'OrderStateError';
}

interface SymbolBook {
  lastPrice: number | undefined;
  /** Oldest first: they share each bar's volume in that order. */
  working: EngineOrder[];
  /** The symbol's corporate actions by ex-date, when it has any, and the next one due. */
  actions?: ReadonlyArray<{ day: number; action: CorporateAction }>;
  nextAction: number;
  /** Session day of the symbol's last bar (tracked only for a symbol with corporate actions). */
  day: number | undefined;
  /** The symbol's exchange's session days. */
  session: SessionDay;
}

const isPositive = (v: number | undefined) => v !== undefined && Number.isFinite(v) && v > 0;
const NO_EVENTS: readonly EngineEvent[] = Object.freeze([]);
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The deterministic matching engine and ledger shared by the backtester and the local gateway:
 * same commands and bars in, same orders, fills and balances out. Pure: no clock, no I/O, no
 * randomness; time comes in with each call.
 *
 * @example
 * ```ts
 * const engine = new MatchingEngine({ initialCash: 100_000 });
 * engine.submit({ account: 'A', symbol: 'NVDA', action: 'BUY', orderType: 'MKT', quantity: 10 }, t0);
 * const events = engine.onBar({ symbol: 'NVDA', time: t1, open: 10, high: 11, low: 9, close: 10.5, volume: 1e6 });
 * ```
 */
export class MatchingEngine {
  readonly ledger: Ledger;
  private readonly orders = new Map<string, EngineOrder>();
  /** Per symbol: last price and working orders, one lookup per bar. */
  private readonly books = new Map<string, SymbolBook>();
  /** Working orders per account, so buying-power checks do not scan every symbol. */
  private readonly workingByAccount = new Map<string, Set<EngineOrder>>();
  private readonly fillsByAccount = new Map<string, EngineFill[]>();
  /**
   * Committed notional per account, valid while `bookGen` is unchanged. Buying-power checks run on
   * every order; rescanning all open orders each time made a burst of n orders cost n^2.
   */
  private readonly committedCache = new Map<string, { gen: number; sum: number }>();
  /** Bumped by every change to open orders or their prices other than a newly accepted order. */
  private bookGen = 0;
  private readonly fees: FeeModel;
  /** Session days by time zone (one per exchange). */
  private readonly sessions = new Map<string, SessionDay>();
  private orderSeq = 0;
  /** Order and fill ids as decimal text (base + sequence), without a BigInt per id. */
  private readonly orderId: (seq: number) => string;
  private readonly fillId: (seq: number) => string;
  private fillSeq = 0;
  /** Working orders of each OCA group (a bracket's two legs are one group). */
  private readonly groups = new Map<string, Set<EngineOrder>>();
  /** The exit legs working for each parent's filled quantity, created and grown as it fills. */
  private readonly legsOf = new Map<string, EngineOrder[]>();

  /** Corporate actions per symbol, in ex-date order (file order within a day). */
  private readonly actionsBySymbol = new Map<string, Array<{ day: number; action: CorporateAction }>>();

  constructor(private readonly cfg: MatchingConfig = {}) {
    this.ledger = new Ledger(cfg.initialCash ?? DEFAULT_STARTING_CASH);
    this.orderId = decimalIds(cfg.orderIdBase ?? 40132638459956224n);
    this.fillId = decimalIds(cfg.fillIdBase ?? 30140000000000000n);
    this.fees = cfg.fees ?? tieredFees();
    const w = cfg.withholdingTax ?? 0;
    if (!(w >= 0 && w <= 1)) throw new OrderValidationError('withholdingTax', 'a rate from 0 to 1');
    for (const action of cfg.corporateActions ?? []) {
      let list = this.actionsBySymbol.get(action.symbol);
      if (!list) this.actionsBySymbol.set(action.symbol, (list = []));
      list.push({ day: exDay(action.exDate), action });
    }
    for (const list of this.actionsBySymbol.values()) list.sort((a, b) => a.day - b.day);
  }

  /** Throws OrderValidationError for a structurally bad order; nothing is recorded then. */
  static validate(req: NewOrder): void {
    if (!Number.isInteger(req.quantity) || req.quantity <= 0) throw new OrderValidationError('total_quantity', 'a positive whole number of shares');
    if (req.action !== 'BUY' && req.action !== 'SELL') throw new OrderValidationError('action', 'BUY or SELL');
    if (!req.symbol) throw new OrderValidationError('symbol', 'a symbol');
    switch (req.orderType) {
      case 'MKT':
        break;
      case 'LMT':
        if (!isPositive(req.limitPrice)) throw new OrderValidationError('limit_price', 'a positive price for LMT');
        break;
      case 'STP':
        if (!isPositive(req.auxPrice)) throw new OrderValidationError('aux_price', 'a positive stop price for STP');
        break;
      case 'STP_LMT':
        if (!isPositive(req.auxPrice) || !isPositive(req.limitPrice)) throw new OrderValidationError('aux_price/limit_price', 'a stop and a limit price for STP_LMT');
        break;
      case 'TRAIL':
        if (isPositive(req.auxPrice) === isPositive(req.trailingPercent)) throw new OrderValidationError('aux_price/trailing_percent', 'exactly one of a trailing amount or percent for TRAIL');
        if (req.trailingPercent !== undefined && req.trailingPercent >= 100) throw new OrderValidationError('trailing_percent', 'a percent below 100');
        break;
      default:
        throw new OrderValidationError('order_type', 'one of MKT, LMT, STP, STP_LMT, TRAIL');
    }
    if (req.timeInForce !== undefined && req.timeInForce !== 'DAY' && req.timeInForce !== 'GTC') throw new OrderValidationError('time_in_force', 'DAY or GTC');
    if (req.legs !== undefined) MatchingEngine.validateLegs(req.legs);
  }

  /** Leg prices; that the parent is a limit order is a venue rule (rules/orderRules.ts `limitParent`), checked again at submit. */
  private static validateLegs(legs: AttachedLegs): void {
    if (!legs.profit && !legs.loss) throw new OrderValidationError('attach_type', 'a PROFIT or LOSS leg');
    if (legs.profit && !isPositive(legs.profit.limitPrice)) throw new OrderValidationError('profit_taker_price', 'a positive price');
    const l = legs.loss;
    if (l) {
      const kinds = [isPositive(l.stopPrice), isPositive(l.trailingPercent), isPositive(l.trailingAmount)].filter(Boolean).length;
      if (kinds !== 1) throw new OrderValidationError('stop_loss_price', 'exactly one of a stop price, a trailing percent or a trailing amount');
      if (l.limitPrice !== undefined && (!isPositive(l.limitPrice) || !isPositive(l.stopPrice))) throw new OrderValidationError('stop_loss_limit_price', 'a positive price, with a stop price');
    }
  }

  /**
   * Places the orders of one OCA group (the wire's order_type OCA with `oca_orders`): each is
   * checked and accepted or refused on its own as by `submit`; the accepted ones share a group, in
   * which a fill of one reduces every other by the filled quantity and cancels it once nothing is
   * left (so a group never trades more than its largest order). Throws before recording anything
   * when one of them is malformed.
   */
  submitOca(reqs: readonly NewOrder[], now: number): { orders: EngineOrder[]; events: EngineEvent[] } {
    if (reqs.length < 2) throw new OrderValidationError('oca_orders', 'at least two orders');
    for (const r of reqs) {
      MatchingEngine.validate(r);
      if (r.legs) throw new OrderValidationError('oca_orders', 'orders without attached legs');
    }
    const orders: EngineOrder[] = [];
    const events: EngineEvent[] = [];
    let group: string | undefined;
    for (const r of reqs) {
      const placed = this.submit(r, now);
      group ??= placed.order.id;
      if (placed.order.status === 'Submitted') this.joinGroup(placed.order, group);
      orders.push(placed.order);
      events.push(...placed.events);
    }
    return { orders, events };
  }

  private joinGroup(o: EngineOrder, group: string): void {
    o.ocaGroup = group;
    let members = this.groups.get(group);
    if (!members) this.groups.set(group, (members = new Set()));
    members.add(o);
  }

  /**
   * Accepts an order (Submitted) or rejects it for buying power / shorting (Inactive). Its events
   * start with an `Initial` snapshot, as the service reports an order before it is working.
   */
  submit(req: NewOrder, now: number): { order: EngineOrder; events: EngineEvent[] } {
    MatchingEngine.validate(req);
    if (req.legs !== undefined && req.orderType !== 'LMT') throw new OrderValidationError('order_type', 'LMT for an order with attached legs');
    return this.create(req, now, undefined);
  }

  private create(req: NewOrder, now: number, parentId: string | undefined): { order: EngineOrder; events: EngineEvent[] } {
    const seq = ++this.orderSeq;
    const o: EngineOrder = {
      id: this.orderId(seq), seq, account: req.account, symbol: req.symbol,
      action: req.action, orderType: req.orderType, quantity: req.quantity, limitPrice: req.limitPrice, auxPrice: req.auxPrice,
      trailingPercent: req.trailingPercent, timeInForce: req.timeInForce ?? 'DAY', userMark: req.userMark ?? '', status: 'Submitted',
      filled: 0, avgFillPrice: 0, commission: 0, realizedPnl: 0, remark: '', createdAt: now, updatedAt: now, liveDay: undefined,
      trailStop: undefined, triggered: false,
    };
    if (req.legs) o.legs = req.legs;
    if (parentId !== undefined) o.parentId = parentId;
    this.orders.set(o.id, o);
    // Exit legs close what their parent bought: no buying-power or shorting check.
    const refusal = parentId === undefined ? this.refusal(o) : undefined;
    if (refusal) {
      o.status = 'Inactive';
      o.remark = refusal;
      if (this.cfg.retainClosed === false) this.orders.delete(o.id);
    } else {
      this.book(o.symbol).working.push(o);
      // Appending to the running sum adds in the order a rescan would: the result is identical.
      const cached = this.committedCache.get(o.account);
      if (cached && cached.gen === this.bookGen) cached.sum += this.openNotional(o);
      let mine = this.workingByAccount.get(o.account);
      if (!mine) this.workingByAccount.set(o.account, (mine = new Set()));
      mine.add(o);
    }
    return { order: o, events: [{ kind: 'order', order: { ...o, status: 'Initial', remark: '' } }, { kind: 'order', order: o }] };
  }

  /** Why the account could not take this order now (buying power, shorting), or undefined. */
  refusal(o: Pick<NewOrder, 'account' | 'symbol' | 'action' | 'quantity' | 'limitPrice' | 'auxPrice'>): string | undefined {
    const pos = this.ledger.position(o.account, o.symbol).quantity;
    const price = o.limitPrice ?? o.auxPrice ?? this.books.get(o.symbol)?.lastPrice;
    if (o.action === 'SELL' && o.quantity > Math.max(0, pos)) {
      if (this.cfg.allowShort === false) return `short selling is not allowed: selling ${o.quantity} with ${pos} held`;
    }
    if (price === undefined) return undefined;
    const increases = o.action === 'BUY' ? Math.max(0, Math.min(o.quantity, o.quantity + pos)) : Math.max(0, o.quantity - Math.max(0, pos));
    const needed = increases * price + this.committedNotional(o.account);
    const bp = this.ledger.summary(o.account).buyingPower;
    if (needed > bp + 1e-9) return `insufficient buying power: needs ${needed.toFixed(2)}, has ${bp.toFixed(2)}`;
    return undefined;
  }

  /** Notional reserved by the account's open orders (remaining quantity at limit, stop or last price). */
  committedNotional(account: string): number {
    let cached = this.committedCache.get(account);
    if (cached && cached.gen === this.bookGen) return cached.sum;
    let sum = 0;
    for (const w of this.workingByAccount.get(account) ?? []) sum += this.openNotional(w);
    if (!cached) this.committedCache.set(account, (cached = { gen: 0, sum: 0 }));
    cached.gen = this.bookGen;
    cached.sum = sum;
    return sum;
  }

  private openNotional(w: EngineOrder): number {
    return (w.quantity - w.filled) * (w.limitPrice ?? w.auxPrice ?? this.books.get(w.symbol)?.lastPrice ?? 0);
  }

  /** Cancels a working order: PendingCancel then Cancelled. Throws OrderStateError otherwise. */
  cancel(id: string, now: number): EngineEvent[] {
    const o = this.workingOrder(id, 'cancel');
    o.status = 'PendingCancel';
    o.updatedAt = now;
    const pending = { ...o };
    this.retire(o, 'Cancelled', now, o.remark);
    return [{ kind: 'order', order: pending }, { kind: 'order', order: o }];
  }

  /** Changes quantity and/or prices of a working order; order type and side cannot change. */
  modify(id: string, changes: { quantity?: number; limitPrice?: number; auxPrice?: number; trailingPercent?: number }, now: number): EngineEvent[] {
    const o = this.workingOrder(id, 'modify');
    const next: NewOrder = {
      account: o.account, symbol: o.symbol, action: o.action, orderType: o.orderType, quantity: changes.quantity ?? o.quantity,
      limitPrice: changes.limitPrice ?? o.limitPrice, auxPrice: changes.auxPrice ?? o.auxPrice, trailingPercent: changes.trailingPercent ?? o.trailingPercent,
    };
    MatchingEngine.validate(next);
    if (next.quantity < o.filled) throw new OrderValidationError('total_quantity', `at least the ${o.filled} already filled`);
    o.quantity = next.quantity;
    o.limitPrice = next.limitPrice;
    o.auxPrice = next.auxPrice;
    o.trailingPercent = next.trailingPercent;
    this.bookGen++;
    if (o.orderType === 'TRAIL') o.trailStop = undefined;
    o.updatedAt = now;
    if (o.filled === o.quantity) this.retire(o, 'Filled', now, '');
    return [{ kind: 'order', order: o }];
  }

  /**
   * Ends the session of the last bar for every working DAY order (GTC orders stay working). Called
   * when the data runs out: no later bar will come to expire them, and a run that waited for them
   * would never end. The same call in backtest and gateway keeps their order events alike.
   */
  expireDayOrders(now: number): EngineEvent[] {
    const events: EngineEvent[] = [];
    for (const book of this.books.values()) {
      for (const o of [...book.working]) {
        if (o.timeInForce !== 'DAY') continue;
        this.retire(o, 'Cancelled', now, 'DAY order expired at the end of its session');
        events.push({ kind: 'order', order: o });
      }
    }
    return events;
  }

  private book(symbol: string): SymbolBook {
    let b = this.books.get(symbol);
    if (!b) {
      const zone = this.cfg.sessionZone ?? shippedCalendar(marketOf(symbol)).zone;
      let session = this.sessions.get(zone);
      if (!session) this.sessions.set(zone, (session = new SessionDay(zone)));
      this.books.set(symbol, (b = { lastPrice: undefined, working: [], nextAction: 0, day: undefined, session }));
      const actions = this.actionsBySymbol.get(symbol);
      if (actions) b.actions = actions;
    }
    return b;
  }

  private workingOrder(id: string, what: string): EngineOrder {
    const o = this.orders.get(id);
    if (!o) throw new OrderStateError(`order ${id} not found`);
    if (o.status !== 'Submitted') throw new OrderStateError(`cannot ${what} order ${id}: it is ${o.status}`);
    return o;
  }

  private retire(o: EngineOrder, status: EngineOrder['status'], now: number, remark: string): void {
    o.status = status;
    o.remark = remark;
    o.updatedAt = now;
    this.bookGen++;
    if (this.cfg.retainClosed === false) this.orders.delete(o.id);
    const list = this.books.get(o.symbol)?.working;
    if (list) {
      const i = list.indexOf(o);
      if (i >= 0) list.splice(i, 1);
    }
    this.workingByAccount.get(o.account)?.delete(o);
    if (o.ocaGroup !== undefined) {
      const members = this.groups.get(o.ocaGroup);
      members?.delete(o);
      if (members?.size === 0) this.groups.delete(o.ocaGroup);
    }
    if (o.parentId !== undefined) {
      const pair = this.legsOf.get(o.parentId)?.filter((c) => c.status === 'Submitted');
      const parent = this.orders.get(o.parentId);
      if (!pair?.length && parent?.status !== 'Submitted') this.legsOf.delete(o.parentId);
    }
  }

  /**
   * Matches the symbol's working orders against one bar, oldest order first, sharing the bar's
   * volume cap. DAY orders end when a bar of a later session day (the symbol's exchange's) arrives.
   */
  onBar(bar: MarketBar): readonly EngineEvent[] {
    const book = this.book(bar.symbol);
    const actionEvents = book.actions === undefined ? undefined : this.dueActions(book, bar);
    book.lastPrice = bar.close;
    this.ledger.mark(bar.symbol, bar.close);
    const list = book.working;
    if (list.length === 0) return actionEvents ?? NO_EVENTS;
    // A new last price moves the notional of this symbol's open market orders; fills below change it too.
    this.bookGen++;
    const events: EngineEvent[] = actionEvents ?? [];
    let capacity = bar.volume > 0 ? Math.floor(bar.volume * (this.cfg.participation ?? 0.1)) : Infinity;
    let day = -1;
    for (const o of [...list]) {
      // An OCA partner filled earlier in this bar may have ended this one.
      if (o.status !== 'Submitted') continue;
      if (o.timeInForce === 'DAY' && o.liveDay !== undefined) {
        if (day < 0) day = book.session.of(bar.time);
        if (day > o.liveDay) {
          this.retire(o, 'Cancelled', bar.time, 'DAY order expired at the end of its session');
          events.push({ kind: 'order', order: o });
          continue;
        }
      }
      const raw = capacity > 0 ? fillPrice(o, bar) : undefined;
      if (raw !== undefined) {
        const qty = Math.min(o.quantity - o.filled, capacity);
        capacity -= qty;
        const marketLike = o.orderType === 'MKT' || o.orderType === 'STP' || o.orderType === 'TRAIL';
        const slip = marketLike ? ((this.cfg.slippageBps ?? 0) / 10_000) * (o.action === 'BUY' ? 1 : -1) : 0;
        this.execute(o, qty, round(raw * (1 + slip)), bar.time, events);
      }
      // A DAY order lives in the session of the first bar it met. Taken only for an order still
      // working after that bar: the session day costs a time-zone lookup, and most market orders
      // fill on their first bar.
      if (o.timeInForce === 'DAY' && o.liveDay === undefined && o.status === 'Submitted') {
        if (day < 0) day = book.session.of(bar.time);
        o.liveDay = day;
      }
    }
    // Positions opened during this bar are marked at its close too.
    if (events.length > 0) this.ledger.mark(bar.symbol, bar.close);
    return events;
  }

  /**
   * The corporate actions whose ex-date session opens with this bar (the symbol's first bar of a
   * later session day), applied before the bar is matched. Actions dated before the symbol's first
   * bar are skipped: the run holds nothing then.
   */
  private dueActions(book: SymbolBook, bar: MarketBar): EngineEvent[] | undefined {
    const day = book.session.of(bar.time);
    if (book.day === day) return undefined;
    const first = book.day === undefined;
    book.day = day;
    const actions = book.actions!;
    let events: EngineEvent[] | undefined;
    while (book.nextAction < actions.length && actions[book.nextAction]!.day <= day) {
      const due = actions[book.nextAction++]!;
      if (first && due.day < day) continue;
      events ??= [];
      if (due.action.kind === 'split') this.split(book, due.action.symbol, due.action.ratio, bar.time, events);
      else for (const account of this.ledger.applyDividend(due.action.symbol, due.action.amount, this.cfg.withholdingTax ?? 0)) events.push({ kind: 'account', account });
      events.push({ kind: 'corporateAction', action: due.action });
    }
    return events;
  }

  /**
   * A split: positions (see Ledger.applySplit) and the symbol's working orders move to the new
   * shares: unfilled quantity times the ratio (rounded down; an order left with nothing is
   * cancelled), prices and trailing amounts divided by it (trailing percents unchanged).
   */
  private split(book: SymbolBook, symbol: string, ratio: number, time: number, events: EngineEvent[]): void {
    if (book.lastPrice !== undefined) book.lastPrice = book.lastPrice / ratio;
    const accounts = new Set<string>();
    for (const p of this.ledger.applySplit(symbol, ratio)) {
      events.push({ kind: 'position', position: p });
      accounts.add(p.account);
    }
    const price = (x: number | undefined) => (x === undefined ? undefined : round(x / ratio));
    for (const o of [...book.working]) {
      const filled = Math.floor(Math.round(o.filled * ratio * 1e9) / 1e9);
      const left = Math.floor(Math.round((o.quantity - o.filled) * ratio * 1e9) / 1e9);
      o.filled = filled;
      o.quantity = filled + left;
      o.avgFillPrice = round(o.avgFillPrice / ratio);
      o.limitPrice = price(o.limitPrice);
      o.auxPrice = price(o.auxPrice);
      o.trailStop = price(o.trailStop);
      if (o.legs) {
        const { profit, loss } = o.legs;
        o.legs = {
          ...(profit ? { profit: { ...profit, limitPrice: price(profit.limitPrice)! } } : {}),
          ...(loss ? { loss: { ...loss, stopPrice: price(loss.stopPrice), limitPrice: price(loss.limitPrice), trailingAmount: price(loss.trailingAmount) } } : {}),
        };
      }
      o.updatedAt = time;
      if (left === 0) this.retire(o, 'Cancelled', time, `split ${ratio}: no whole share left to trade`);
      events.push({ kind: 'order', order: o });
    }
    this.bookGen++;
    for (const account of accounts) events.push({ kind: 'account', account });
  }

  private execute(o: EngineOrder, qty: number, price: number, time: number, events: EngineEvent[]): void {
    const prevValue = o.filled * o.avgFillPrice;
    const cumQty = o.filled + qty;
    const cumValue = prevValue + qty * price;
    const fee = round(this.fees.orderFee(o.action, cumQty, cumValue) - o.commission);
    const realized = this.ledger.applyFill(o.account, o.symbol, o.action, qty, price, fee);
    o.filled = cumQty;
    o.avgFillPrice = round(cumValue / cumQty);
    o.commission = round(o.commission + fee);
    o.realizedPnl = round(o.realizedPnl + realized);
    o.updatedAt = time;
    const seq = ++this.fillSeq;
    const fill: EngineFill = {
      id: this.fillId(seq), seq, orderId: o.id, account: o.account, symbol: o.symbol,
      action: o.action, price, quantity: qty, commission: fee, time,
    };
    if (this.cfg.retainClosed !== false) {
      let fills = this.fillsByAccount.get(o.account);
      if (!fills) this.fillsByAccount.set(o.account, (fills = []));
      fills.push(fill);
    }
    if (o.filled === o.quantity) this.retire(o, 'Filled', time, '');
    events.push({ kind: 'fill', fill }, { kind: 'order', order: o }, { kind: 'position', position: this.ledger.position(o.account, o.symbol) }, { kind: 'account', account: o.account });
    if (o.ocaGroup !== undefined) this.reduceGroup(o, qty, time, events);
    if (o.legs !== undefined) this.growLegs(o, qty, time, events);
  }

  /**
   * One order of an OCA group filled `qty`: every other working order of the group shrinks by as
   * much and is cancelled when no unfilled quantity is left (a partial fill leaves the rest of the
   * others working, smaller).
   */
  private reduceGroup(o: EngineOrder, qty: number, time: number, events: EngineEvent[]): void {
    for (const other of [...(this.groups.get(o.ocaGroup!) ?? [])]) {
      if (other === o || other.status !== 'Submitted') continue;
      other.quantity = Math.max(other.filled, other.quantity - qty);
      other.updatedAt = time;
      this.bookGen++;
      if (other.quantity === other.filled) this.retire(other, 'Cancelled', time, `OCA: order ${o.id} of its group filled`);
      events.push({ kind: 'order', order: other });
    }
  }

  /**
   * A parent with attached legs filled `qty`: its take-profit and stop-loss cover what it has
   * filled. The first fill creates them (one OCA group, other side, working from the next bar);
   * later fills grow the working pair; once a pair is done (one leg filled, the other cancelled), a
   * further parent fill starts a new pair for the new quantity.
   */
  private growLegs(parent: EngineOrder, qty: number, time: number, events: EngineEvent[]): void {
    const working = (this.legsOf.get(parent.id) ?? []).filter((c) => c.status === 'Submitted');
    if (working.length > 0) {
      for (const c of working) {
        c.quantity += qty;
        c.updatedAt = time;
        events.push({ kind: 'order', order: c });
      }
      this.bookGen++;
      return;
    }
    const legs = parent.legs!;
    const side: Side = parent.action === 'BUY' ? 'SELL' : 'BUY';
    const base = { account: parent.account, symbol: parent.symbol, action: side, quantity: qty, userMark: '' };
    const reqs: NewOrder[] = [];
    if (legs.profit) reqs.push({ ...base, orderType: 'LMT', limitPrice: legs.profit.limitPrice, timeInForce: legs.profit.timeInForce ?? 'DAY' });
    const l = legs.loss;
    if (l) {
      const tif = l.timeInForce ?? 'DAY';
      if (l.trailingPercent !== undefined || l.trailingAmount !== undefined) reqs.push({ ...base, orderType: 'TRAIL', trailingPercent: l.trailingPercent, auxPrice: l.trailingAmount, timeInForce: tif });
      else if (l.limitPrice !== undefined) reqs.push({ ...base, orderType: 'STP_LMT', auxPrice: l.stopPrice, limitPrice: l.limitPrice, timeInForce: tif });
      else reqs.push({ ...base, orderType: 'STP', auxPrice: l.stopPrice, timeInForce: tif });
    }
    const pair: EngineOrder[] = [];
    for (const r of reqs) {
      const child = this.create(r, time, parent.id);
      if (reqs.length > 1) this.joinGroup(child.order, pair[0]?.ocaGroup ?? child.order.id);
      pair.push(child.order);
      events.push(...child.events);
    }
    this.bookGen++;
    this.legsOf.set(parent.id, pair);
  }

  /** The attached legs working now for a parent's filled quantity (none before its first fill). */
  legsOfParent(parentId: string): readonly Readonly<EngineOrder>[] {
    return (this.legsOf.get(parentId) ?? []).filter((c) => c.status === 'Submitted');
  }

  order(id: string): Readonly<EngineOrder> | undefined {
    return this.orders.get(id);
  }

  /** Every order of the account, oldest first. */
  ordersOf(account: string): Readonly<EngineOrder>[] {
    return [...this.orders.values()].filter((o) => o.account === account);
  }

  /**
   * Unfilled quantity of the account's working orders on one side of a symbol. Orders of one OCA
   * group (a bracket's two exit legs) can fill only as one: the group counts its largest.
   */
  workingQuantity(account: string, symbol: string, action: 'BUY' | 'SELL'): number {
    let n = 0;
    const groups = new Map<string, number>();
    for (const w of this.workingByAccount.get(account) ?? []) {
      if (w.symbol !== symbol || w.action !== action) continue;
      const left = w.quantity - w.filled;
      if (w.ocaGroup === undefined) n += left;
      else groups.set(w.ocaGroup, Math.max(groups.get(w.ocaGroup) ?? 0, left));
    }
    for (const g of groups.values()) n += g;
    return n;
  }

  openOrders(account: string): Readonly<EngineOrder>[] {
    return this.ordersOf(account).filter((o) => o.status === 'Submitted');
  }

  fillsOf(account: string): readonly EngineFill[] {
    return this.fillsByAccount.get(account) ?? [];
  }

  position(account: string, symbol: string): Readonly<PositionState> {
    return this.ledger.position(account, symbol);
  }

  positions(account: string): Readonly<PositionState>[] {
    return this.ledger.openPositions(account);
  }

  summary(account: string): AccountSummary {
    return this.ledger.summary(account);
  }

  lastPrice(symbol: string): number | undefined {
    return this.books.get(symbol)?.lastPrice;
  }
}
