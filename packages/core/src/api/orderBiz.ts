import type { OrderLegs, OrderRequest } from './models.ts';

/**
 * The snake_case `place_order` / `preview_order` biz for an order request. Undefined fields are
 * left out so the signed biz_content holds only what the caller set.
 */
export function orderBiz(account: string, req: OrderRequest, secretKey: string | undefined): Record<string, unknown> {
  const biz: Record<string, unknown> = {
    account,
    symbol: req.symbol,
    sec_type: req.secType ?? 'STK',
    currency: req.currency ?? 'USD',
    action: req.action,
    order_type: req.orderType,
    total_quantity: req.quantity,
    time_in_force: req.timeInForce ?? 'DAY',
    outside_rth: req.outsideRth ?? false,
  };
  if (req.limitPrice !== undefined) biz.limit_price = req.limitPrice;
  if (req.auxPrice !== undefined) biz.aux_price = req.auxPrice;
  if (req.trailingPercent !== undefined) biz.trailing_percent = req.trailingPercent;
  if (req.userMark !== undefined) biz.user_mark = req.userMark;
  if (req.legs !== undefined) Object.assign(biz, legFields(req.legs));
  if (secretKey) biz.secret_key = secretKey;
  return biz;
}

/**
 * The attached-leg fields as the Python SDK writes them from `order_legs`
 * (trade/request/model.py `_parse_leg_param`): `attach_type` PROFIT, LOSS or BRACKETS (both).
 */
export function legFields(legs: OrderLegs): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  const { profit, loss } = legs;
  if (profit) {
    f.profit_taker_price = profit.price;
    f.profit_taker_tif = profit.timeInForce ?? 'DAY';
  }
  if (loss) {
    if (loss.price !== undefined) f.stop_loss_price = loss.price;
    f.stop_loss_tif = loss.timeInForce ?? 'DAY';
    if (loss.limitPrice !== undefined) f.stop_loss_limit_price = loss.limitPrice;
    if (loss.trailingPercent !== undefined) f.stop_loss_trailing_percent = loss.trailingPercent;
    if (loss.trailingAmount !== undefined) f.stop_loss_trailing_amount = loss.trailingAmount;
  }
  f.attach_type = profit && loss ? 'BRACKETS' : profit ? 'PROFIT' : 'LOSS';
  return f;
}

/**
 * An OCA group's `place_order` biz as the Python SDK sends `oca_order` (`order_type` OCA, one
 * `oca_orders` entry per order, trade/request/model.py `_parse_oca_param`). Each entry also
 * carries its own `action` and `user_mark`: the SDK gives every entry the group's action, Pounce
 * sends each order's own (a breakout's buy stop and sell stop); that the service accepts mixed
 * sides is not verified.
 */
export function ocaOrderBiz(account: string, reqs: readonly OrderRequest[], secretKey: string | undefined): Record<string, unknown> {
  const first = reqs[0];
  if (!first) throw new Error('oca_orders: expected at least one order');
  const biz: Record<string, unknown> = {
    account, symbol: first.symbol, sec_type: first.secType ?? 'STK', currency: first.currency ?? 'USD', action: first.action, order_type: 'OCA',
    oca_orders: reqs.map((r) => {
      const { secret_key: _omit, ...leg } = orderBiz(account, r, undefined);
      return leg;
    }),
  };
  if (first.userMark !== undefined) biz.user_mark = first.userMark;
  if (secretKey) biz.secret_key = secretKey;
  return biz;
}
