import type { ExchangeCalendar, Market } from './ExchangeCalendar.ts';
import { hkEquities } from './hkEquities.ts';
import { usEquities } from './usEquities.ts';

/** The market of a symbol as the OpenAPI writes it: five digits (`00700`) is Hong Kong, the rest US. */
export function marketOf(symbol: string): Market {
  return /^\d{5}$/.test(symbol) ? 'HK' : 'US';
}

/** The shipped calendar of a market. */
export function shippedCalendar(market: Market): ExchangeCalendar {
  return market === 'HK' ? hkEquities : usEquities;
}
