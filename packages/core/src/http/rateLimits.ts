/** Per-method limits per 60 s window (protocol.md 3.8). Unlisted methods get the low tier. */
const HIGH = ['order_no', 'place_order', 'modify_order', 'cancel_order', 'orders', 'active_orders', 'inactive_orders',
  'filled_orders', 'timeline', 'hour_trading_timeline', 'quote_real_time', 'trade_tick', 'option_brief',
  'option_trade_tick', 'future_tick', 'future_real_time_quote'];
const MEDIUM = ['option_chain', 'option_expiration', 'quote_depth', 'contract', 'contracts', 'quote_contract',
  'quote_shortable_stocks', 'quote_stock_trade', 'future_trading_date', 'accounts', 'assets', 'prime_assets',
  'positions', 'order_transactions', 'preview_order',
  // Tier unconfirmed upstream (protocol.md 11); medium is the cautious middle for these.
  'kline', 'market_state', 'trading_calendar'];

export function perMinuteLimit(method: string): number {
  if (HIGH.includes(method)) return 120;
  if (MEDIUM.includes(method)) return 60;
  return 10;
}

/** Paper accounts share one 120/min budget across place, modify and cancel. */
export const PAPER_WRITE_METHODS: ReadonlySet<string> = new Set(['place_order', 'modify_order', 'cancel_order']);
