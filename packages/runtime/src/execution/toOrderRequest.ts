import type { OrderRequest, OrderType } from '@pounce/core';
import type { OrderIntent } from '../strategy/types.ts';

const TYPES: Record<NonNullable<OrderIntent['type']>, OrderType> = { market: 'MKT', limit: 'LMT', stop: 'STP', 'stop-limit': 'STP_LMT', trailing: 'TRAIL' };

/** Maps a strategy's intent to the broker's order fields; the client order id travels as userMark. */
export function toOrderRequest(i: OrderIntent, clientOrderId: string): OrderRequest {
  const orderType = TYPES[i.type ?? 'market'];
  if (!orderType) throw new Error(`order type "${String(i.type)}" is not one of ${Object.keys(TYPES).join(', ')}`);
  const req: OrderRequest = { symbol: i.symbol, action: i.side, orderType, quantity: i.quantity, timeInForce: i.timeInForce ?? 'DAY', userMark: clientOrderId };
  if (i.limitPrice !== undefined) req.limitPrice = i.limitPrice;
  if (orderType === 'STP' || orderType === 'STP_LMT') req.auxPrice = i.stopPrice;
  if (orderType === 'TRAIL') {
    if (i.trailPercent !== undefined) req.trailingPercent = i.trailPercent;
    else req.auxPrice = i.trailAmount;
  }
  if (i.takeProfit || i.stopLoss) {
    req.legs = {};
    if (i.takeProfit) req.legs.profit = { price: i.takeProfit.limitPrice, timeInForce: i.takeProfit.timeInForce ?? 'DAY' };
    const l = i.stopLoss;
    if (l) {
      req.legs.loss = { timeInForce: l.timeInForce ?? 'DAY' };
      if (l.stopPrice !== undefined) req.legs.loss.price = l.stopPrice;
      if (l.limitPrice !== undefined) req.legs.loss.limitPrice = l.limitPrice;
      if (l.trailPercent !== undefined) req.legs.loss.trailingPercent = l.trailPercent;
      if (l.trailAmount !== undefined) req.legs.loss.trailingAmount = l.trailAmount;
    }
  }
  return req;
}
