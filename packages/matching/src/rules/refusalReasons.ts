import type { Side } from '../types.ts';

/**
 * The words of every venue-rule refusal, in one place: the backtest and the gateway say exactly
 * these, so a strategy sees the same `rejected` reason in both.
 */
export const refusalReasons = {
  secType: (secType: string) => `sec_type ${secType} is not supported here (STK only)`,
  unknownSymbol: (symbol: string) => `bad_request:contract ${symbol} is not tradable here (no market data for it)`,
  marketGtc: () => 'GTC is not supported for MKT orders',
  paperGtc: () => 'GTC is not supported on a paper account',
  outsideRth: (orderType: string) => `${orderType} orders are not allowed with outside_rth=true`,
  attachedParent: (orderType: string) => `attached orders need a LMT parent, not ${orderType}`,
  tickSize: (field: string, price: number, tick: number) => `${field} ${price} does not match the tick size ${tick}`,
  longShort: (symbol: string, action: Side, quantity: number, held: number, working = 0) => {
    const already = working > 0 ? ` (${working} already ${action === 'SELL' ? 'being sold' : 'being bought'})` : '';
    return action === 'SELL'
      ? `cannot hold long and short positions of ${symbol} at once: selling ${quantity} with ${held} held long${already}; close the position first`
      : `cannot hold long and short positions of ${symbol} at once: buying ${quantity} with ${-held} held short${already}; close the position first`;
  },
} as const;
