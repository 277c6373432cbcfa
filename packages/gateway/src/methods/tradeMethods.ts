import { accountKind as coreAccountKind } from '@pounce/core';
import type { AccountKind, AttachedLegs, AttachType, EngineFill, EngineOrder, MatchingEngine, NewOrder, OrderRefusal, RuleContext, RuleOrder } from '@pounce/matching';
import { engineErrorRefusal, modifyRefusal, orderRefusal, refusalCode, tieredFees } from '@pounce/matching';
import { bizParam, GatewayError, tradeError } from '../http/GatewayError.ts';
import { optId, optNum, optStr, reqNum, reqStr, type Biz } from './bizFields.ts';
import { contractJson } from './quoteMethods.ts';
import { globalAssetsJson, orderJson, positionJson, primeAssetsJson, transactionJson } from './wireShapes.ts';

/** What trade methods need from the gateway: the engine and the logged, published commands. */
export interface TradeDesk {
  readonly engine: MatchingEngine;
  now(): number;
  knownSymbol(symbol: string): boolean;
  place(req: NewOrder): Readonly<EngineOrder>;
  /** Places an OCA group (order_type OCA): its orders, in the request's order. */
  placeOca(reqs: NewOrder[]): readonly Readonly<EngineOrder>[];
  cancel(id: string): void;
  modify(id: string, changes: { quantity?: number; limitPrice?: number; auxPrice?: number; trailingPercent?: number }): void;
}
type Handler = (biz: Biz, desk: TradeDesk) => unknown;

function account(biz: Biz): string {
  const a = reqStr(biz, 'account');
  // Any all-digit account: under 17 digits standard, 17 or more paper (Java SDK util/AccountUtil.java).
  if (!/^\d+$/.test(a)) throw bizParam(`account ${a} is not an account number (digits only)`);
  return a;
}

/** The venue rules depend on the account kind: the client's rule (core accountKind), so both sides agree. */
const accountKind = (acct: string): AccountKind => (coreAccountKind(acct) === 'paper' ? 'paper' : 'live');

/** A venue-rule refusal as the service answers it: 1010 for a bad field, else 1300 paper / 1200 prime. */
const refused = (acct: string, r: OrderRefusal) => new GatewayError(refusalCode(r, accountKind(acct)), r.message);

/** Runs an engine call, mapping its typed errors to the service's codes. */
function guarded<T>(acct: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const r = engineErrorRefusal(e);
    if (r) throw refused(acct, r);
    throw e;
  }
}

/** The venue rules' view of an account at the gateway (the backtest builds the same from its engine). */
function ruleContext(acct: string, desk: TradeDesk): RuleContext {
  return { accountKind: accountKind(acct), knownSymbol: (s) => desk.knownSymbol(s), position: (s) => desk.engine.position(acct, s).quantity, working: (s, action) => desk.engine.workingQuantity(acct, s, action) };
}

const TIFS = new Set(['DAY', 'GTC']);
const tif = (biz: Biz, field: string): 'DAY' | 'GTC' | undefined => {
  const v = optStr(biz, field);
  if (v !== undefined && !TIFS.has(v)) throw bizParam(`${field}: expected DAY or GTC, got ${v}`);
  return v as 'DAY' | 'GTC' | undefined;
};

/**
 * The attached legs of a place_order biz, as the SDKs send `order_legs`: `attach_type` PROFIT,
 * LOSS or BRACKETS with `profit_taker_*` / `stop_loss_*` fields.
 */
function attachedLegs(biz: Biz): { attachType: AttachType; legs: AttachedLegs } | undefined {
  const attachType = optStr(biz, 'attach_type');
  if (attachType === undefined) return undefined;
  if (attachType !== 'PROFIT' && attachType !== 'LOSS' && attachType !== 'BRACKETS') throw bizParam(`attach_type: expected PROFIT, LOSS or BRACKETS, got ${attachType}`);
  const legs: AttachedLegs = {};
  if (attachType !== 'LOSS') {
    const price = optNum(biz, 'profit_taker_price');
    if (price === undefined) throw bizParam(`profit_taker_price: expected a price for attach_type ${attachType}`);
    legs.profit = { limitPrice: price, timeInForce: tif(biz, 'profit_taker_tif') };
  }
  if (attachType !== 'PROFIT') {
    legs.loss = {
      stopPrice: optNum(biz, 'stop_loss_price'), limitPrice: optNum(biz, 'stop_loss_limit_price'), trailingPercent: optNum(biz, 'stop_loss_trailing_percent'),
      trailingAmount: optNum(biz, 'stop_loss_trailing_amount'), timeInForce: tif(biz, 'stop_loss_tif'),
    };
  }
  return { attachType, legs };
}

/** Parses a place/preview biz and applies the venue rules (packages/matching/src/rules). */
function newOrder(biz: Biz, desk: TradeDesk): NewOrder {
  const acct = account(biz);
  const attached = attachedLegs(biz);
  const order: RuleOrder = {
    account: acct, symbol: reqStr(biz, 'symbol'), action: reqStr(biz, 'action') as NewOrder['action'], orderType: reqStr(biz, 'order_type') as NewOrder['orderType'],
    quantity: reqNum(biz, 'total_quantity'), limitPrice: optNum(biz, 'limit_price'), auxPrice: optNum(biz, 'aux_price'),
    trailingPercent: optNum(biz, 'trailing_percent'), timeInForce: (optStr(biz, 'time_in_force') ?? 'DAY') as NewOrder['timeInForce'], userMark: optStr(biz, 'user_mark'),
    secType: optStr(biz, 'sec_type'), outsideRth: biz.outside_rth === true,
  };
  if (attached) {
    order.attachType = attached.attachType;
    order.legs = attached.legs;
  }
  const refusal = orderRefusal(order, ruleContext(acct, desk));
  if (refusal) throw refused(acct, refusal);
  return {
    account: order.account, symbol: order.symbol, action: order.action, orderType: order.orderType, quantity: order.quantity, limitPrice: order.limitPrice,
    auxPrice: order.auxPrice, trailingPercent: order.trailingPercent, timeInForce: order.timeInForce, userMark: order.userMark,
    ...(order.legs ? { legs: order.legs } : {}),
  };
}

/**
 * The orders of an OCA place_order (`order_type` OCA, `oca_orders`): each entry is an order biz,
 * contract and account fields defaulting to the request's; each passes the venue rules.
 */
function ocaOrders(biz: Biz, desk: TradeDesk): NewOrder[] {
  const list = biz.oca_orders;
  if (!Array.isArray(list) || list.length < 2) throw bizParam('oca_orders: expected a list of at least two orders for order_type OCA');
  const inherited = { account: biz.account, symbol: biz.symbol, sec_type: biz.sec_type, currency: biz.currency, action: biz.action };
  return list.map((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw bizParam(`oca_orders[${i}]: expected an order object`);
    const leg: Biz = { ...inherited, ...(entry as Biz) };
    if (leg.attach_type !== undefined) throw bizParam(`oca_orders[${i}].attach_type: OCA orders cannot carry attached legs`);
    return newOrder(leg, desk);
  });
}

function page<T>(all: T[], biz: Biz, def = 100, max = 300): { items: T[]; nextPageToken: string } {
  const limit = Math.min(optNum(biz, 'limit') ?? def, max);
  const token = optStr(biz, 'page_token');
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw bizParam('page_token is not valid');
  const items = all.slice(start, start + limit);
  return { items, nextPageToken: start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64') : '' };
}

function inRange(t: number, biz: Biz): boolean {
  const from = optNum(biz, 'start_date');
  const to = optNum(biz, 'end_date');
  return (from === undefined || t >= from) && (to === undefined || t < to);
}

function orderList(filter: (o: Readonly<EngineOrder>) => boolean): Handler {
  return (biz, desk) => {
    const acct = account(biz);
    const single = optId(biz, 'id');
    if (single) {
      const o = desk.engine.order(single);
      if (!o || o.account !== acct) throw tradeError(acct, `order ${single} not found`);
      return orderJson(o);
    }
    const symbol = optStr(biz, 'symbol');
    const states = Array.isArray(biz.states) ? new Set(biz.states as string[]) : undefined;
    // Newest first, as the service lists them.
    const all = desk.engine.ordersOf(acct).filter((o) => filter(o) && (!symbol || o.symbol === symbol) && (!states || states.has(o.status)) && inRange(o.createdAt, biz)).reverse();
    const p = page(all, biz);
    return { items: p.items.map(orderJson), nextPageToken: p.nextPageToken };
  };
}

const isOpen = (o: Readonly<EngineOrder>) => o.status === 'Submitted' || o.status === 'Initial' || o.status === 'PendingCancel';

export const tradeMethods: Record<string, Handler> = {
  place_order: (biz, desk) => {
    if (biz.order_type === 'OCA') {
      const reqs = ocaOrders(biz, desk);
      const orders = guarded(reqs[0]!.account, () => desk.placeOca(reqs));
      return { id: BigInt(orders[0]!.id), order_id: orders[0]!.seq, subIds: orders.map((o) => BigInt(o.id)), orders: orders.map(orderJson) };
    }
    const req = newOrder(biz, desk);
    const o = guarded(req.account, () => desk.place(req));
    return { id: BigInt(o.id), order_id: o.seq, subIds: [], orders: [orderJson(o)] };
  },

  preview_order: (biz, desk) => {
    const req = newOrder(biz, desk);
    const refusal = desk.engine.refusal(req);
    const px = req.limitPrice ?? req.auxPrice ?? desk.engine.lastPrice(req.symbol) ?? 0;
    const s = desk.engine.summary(req.account);
    return {
      account: req.account, isPass: refusal === undefined, message: refusal ?? '', initMargin: px * req.quantity, initMarginBefore: 0,
      maintMargin: px * req.quantity, maintMarginBefore: 0, equityWithLoan: s.netLiquidation, equityWithLoanBefore: s.netLiquidation,
      marginCurrency: 'USD', commission: tieredFees().orderFee(req.action, req.quantity, px * req.quantity), commissionCurrency: 'USD',
      availableEE: s.buyingPower, excessLiquidity: s.buyingPower,
    };
  },

  modify_order: (biz, desk) => {
    const acct = account(biz);
    const id = optId(biz, 'id');
    if (!id) throw bizParam("field 'id' cannot be empty");
    const o = desk.engine.order(id);
    if (!o || o.account !== acct) throw tradeError(acct, `order ${id} not found`);
    const ot = optStr(biz, 'order_type');
    if (ot && ot !== o.orderType) throw tradeError(acct, 'order_type cannot be modified');
    const changes = { quantity: optNum(biz, 'total_quantity'), limitPrice: optNum(biz, 'limit_price'), auxPrice: optNum(biz, 'aux_price'), trailingPercent: optNum(biz, 'trailing_percent') };
    const refusal = modifyRefusal({ ...o, quantity: changes.quantity ?? o.quantity, limitPrice: changes.limitPrice ?? o.limitPrice, auxPrice: changes.auxPrice ?? o.auxPrice, trailingPercent: changes.trailingPercent ?? o.trailingPercent }, ruleContext(acct, desk));
    if (refusal) throw refused(acct, refusal);
    guarded(acct, () => desk.modify(id, changes));
    return { id: BigInt(id) };
  },

  cancel_order: (biz, desk) => {
    const acct = account(biz);
    let id = optId(biz, 'id');
    const legacy = optNum(biz, 'order_id');
    if (!id && legacy !== undefined) id = desk.engine.ordersOf(acct).find((o) => o.seq === legacy)?.id;
    if (!id) throw bizParam("field 'id' cannot be empty");
    const o = desk.engine.order(id);
    if (!o || o.account !== acct) throw tradeError(acct, `order ${id} not found`);
    guarded(acct, () => desk.cancel(id));
    return { id: BigInt(id) };
  },

  orders: orderList(() => true),
  active_orders: orderList(isOpen),
  inactive_orders: orderList((o) => !isOpen(o) && o.status !== 'Filled'),
  filled_orders: orderList((o) => o.filled > 0),

  order_transactions: (biz, desk) => {
    const acct = account(biz);
    const orderId = optId(biz, 'order_id');
    const symbol = optStr(biz, 'symbol');
    const all = desk.engine.fillsOf(acct).filter((f: EngineFill) => (!orderId || f.orderId === orderId) && (!symbol || f.symbol === symbol) && inRange(f.time, biz));
    const p = page([...all].reverse(), biz);
    return { items: p.items.map(transactionJson), nextPageToken: p.nextPageToken };
  },

  positions: (biz, desk) => {
    const acct = account(biz);
    const symbol = optStr(biz, 'symbol');
    return { items: desk.engine.positions(acct).filter((p) => !symbol || p.symbol === symbol).map(positionJson) };
  },

  prime_assets: (biz, desk) => primeAssetsJson(desk.engine.summary(account(biz)), desk.now()),
  assets: (biz, desk) => ({ items: [globalAssetsJson(desk.engine.summary(account(biz)), desk.now())] }),

  contract: (biz, desk) => {
    const acct = account(biz);
    const symbol = reqStr(biz, 'symbol');
    if (!desk.knownSymbol(symbol)) throw tradeError(acct, `bad_request:contract ${symbol} not found`);
    return contractJson(symbol);
  },
  contracts: (biz, desk) => {
    account(biz);
    const symbols = Array.isArray(biz.symbols) ? (biz.symbols as string[]) : [];
    if (symbols.length === 0) throw bizParam("field 'symbols' cannot be empty");
    return { items: symbols.filter((s) => desk.knownSymbol(s)).map(contractJson) };
  },
};

