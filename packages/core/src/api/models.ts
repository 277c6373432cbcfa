import type { KnownOrderStatus, OrderStatus } from './orderStatus.ts';

export type OrderAction = 'BUY' | 'SELL';
export type OrderType = 'MKT' | 'LMT' | 'STP' | 'STP_LMT' | 'TRAIL';
export type TimeInForce = 'DAY' | 'GTC';
export type MarketStatus = 'NOT_YET_OPEN' | 'PRE_HOUR_TRADING' | 'TRADING' | 'MIDDLE_CLOSE' | 'POST_HOUR_TRADING' | 'CLOSING' | 'EARLY_CLOSED' | 'MARKET_CLOSED';

export interface MarketState { market: string; status: string; marketStatus: string; openTime: string }

export interface QuoteBrief {
  symbol: string; open: number; high: number; low: number; close: number; preClose: number;
  latestPrice: number; latestTime: number; askPrice: number; askSize: number; bidPrice: number; bidSize: number;
  volume: number; status: string;
}

/** An OHLCV bar. `time` is the bar start, epoch ms. */
export interface Bar {
  symbol: string; time: number; open: number; high: number; low: number; close: number; volume: number;
  /**
   * Set on the first bar of a split's ex-date by a venue that knows of the split (a backtest with
   * corporate actions): new shares per old one. Bars before it were in the old shares; indicators
   * that carry history adjust it (see `bySymbol`). The OpenAPI push never sets it.
   */
  splitRatio?: number;
}

/** A date of an exchange's trading calendar (`trading_calendar`): whether it trades. */
export interface TradingDay { date: string; trading: boolean }

export interface KlinePage { symbol: string; period: string; bars: Bar[]; nextPageToken: string | undefined }

export interface DepthLevel { price: number; volume: number; count: number }
export interface Depth { symbol: string; time: number; asks: DepthLevel[]; bids: DepthLevel[] }

export interface Tick { symbol: string; sn: number; time: number; price: number; volume: number; side: '+' | '-' | '*' }

export interface Contract { symbol: string; secType: string; currency: string; market: string; name: string; lotSize: number; minTick: number; multiplier: number; tradeable: boolean; shortable: boolean }

/**
 * Exit legs attached to a limit order: the SDKs' `order_legs` (PROFIT, LOSS), sent as
 * `attach_type` with `profit_taker_*` / `stop_loss_*` fields. The broker requires the parent to be LMT.
 */
export interface OrderLegs {
  /** Take-profit leg: a limit order at `price`. */
  profit?: { price: number; timeInForce?: TimeInForce };
  /** Stop-loss leg: a stop at `price` (stop-limit with `limitPrice`), or a trailing stop (percent or amount). */
  loss?: { price?: number; limitPrice?: number; trailingPercent?: number; trailingAmount?: number; timeInForce?: TimeInForce };
}

/** What a strategy or user asks for; converted to the snake_case `place_order` biz. */
export interface OrderRequest {
  symbol: string;
  action: OrderAction;
  orderType: OrderType;
  quantity: number;
  limitPrice?: number;
  /** STP / STP_LMT trigger price; TRAIL trailing amount. */
  auxPrice?: number;
  /** TRAIL trailing percent (0-100), exclusive with auxPrice. */
  trailingPercent?: number;
  timeInForce?: TimeInForce;
  outsideRth?: boolean;
  /** Client tag echoed back; the runtime puts its client order id here to find orders after a timeout. */
  userMark?: string;
  secType?: string;
  currency?: string;
  /** Attached take-profit / stop-loss legs (LMT orders only). */
  legs?: OrderLegs;
}

export interface Order {
  id: string; account: string; symbol: string; action: OrderAction; orderType: OrderType;
  limitPrice: number | undefined; auxPrice: number | undefined; trailingPercent: number | undefined;
  totalQuantity: number; filledQuantity: number; avgFillPrice: number; timeInForce: string;
  status: OrderStatus; commission: number; realizedPnl: number; remark: string; userMark: string;
  openTime: number; updateTime: number;
  /** The service's own status text, kept when `status` is `'Unknown'` (absent otherwise). */
  rawStatus?: string;
  /** The order this one is an attached leg of (the wire's `parentId`). */
  parentId?: string;
}

export interface PlacedOrder { id: string; orderId: number; order: Order | undefined }

/** One execution. `id` is the execution id: the dedupe key for exactly-once fill delivery. */
export interface Fill {
  id: string; orderId: string; account: string; symbol: string; action: OrderAction;
  price: number; quantity: number; time: number;
  /**
   * Fee charged for this execution, where the venue reports it per fill (the backtester does).
   * The OpenAPI reports fees per order only (the order's cumulative `commission`), so fills parsed
   * from it leave this out.
   */
  commission?: number;
}

export interface Position {
  account: string; symbol: string; quantity: number; averageCost: number; latestPrice: number;
  marketValue: number; realizedPnl: number; unrealizedPnl: number;
}

export interface AccountAssets {
  account: string; currency: string; cashBalance: number; buyingPower: number; netLiquidation: number;
  grossPositionValue: number; realizedPnl: number; unrealizedPnl: number; time: number;
}

export interface OrderPreview { account: string; isPass: boolean; message: string; commission: number; initMargin: number }

export interface OrderQuery {
  symbol?: string; startDate?: number; endDate?: number; limit?: number; states?: KnownOrderStatus[];
}
