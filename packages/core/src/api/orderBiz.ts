import type { OrderRequest } from './models.ts';

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
  if (secretKey) biz.secret_key = secretKey;
  return biz;
}
