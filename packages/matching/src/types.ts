import type { CorporateAction } from './corporateActions/CorporateAction.ts';

export type Side = 'BUY' | 'SELL';
export type MatchOrderType = 'MKT' | 'LMT' | 'STP' | 'STP_LMT' | 'TRAIL';
export type Tif = 'DAY' | 'GTC';
/** Status names and codes as on the wire (protocol.md 6.2). */
export type MatchStatus = 'Initial' | 'Submitted' | 'PendingCancel' | 'Cancelled' | 'Filled' | 'Inactive' | 'Invalid';

/** One OHLCV bar; `time` is the bar start (epoch ms). Plain numbers: this is the hot path. */
export interface MarketBar {
  symbol: string;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Exit legs attached to a limit order (the wire's `attach_type` with `profit_taker_*` and
 * `stop_loss_*`, what the SDKs' `order_legs` PROFIT and LOSS become). They work only for what the
 * parent has filled: see MatchingEngine for the partial-fill rules.
 */
export interface AttachedLegs {
  /** Take-profit: a limit order on the other side at this price. */
  profit?: { limitPrice: number; timeInForce?: Tif };
  /** Stop-loss: a stop (STP), stop-limit (with `limitPrice`) or trailing stop (with a trailing amount or percent). */
  loss?: { stopPrice?: number; limitPrice?: number; trailingPercent?: number; trailingAmount?: number; timeInForce?: Tif };
}

export interface NewOrder {
  account: string;
  symbol: string;
  action: Side;
  orderType: MatchOrderType;
  quantity: number;
  limitPrice?: number;
  auxPrice?: number;
  trailingPercent?: number;
  timeInForce?: Tif;
  userMark?: string;
  /** Exit legs to attach (the order must then be LMT). */
  legs?: AttachedLegs;
}

/** An order as the engine holds it; snapshots of it are what venues publish. */
export interface EngineOrder {
  readonly id: string;
  readonly seq: number;
  readonly account: string;
  readonly symbol: string;
  readonly action: Side;
  readonly orderType: MatchOrderType;
  quantity: number;
  limitPrice: number | undefined;
  auxPrice: number | undefined;
  trailingPercent: number | undefined;
  readonly timeInForce: Tif;
  readonly userMark: string;
  status: MatchStatus;
  filled: number;
  avgFillPrice: number;
  commission: number;
  realizedPnl: number;
  remark: string;
  readonly createdAt: number;
  updatedAt: number;
  /** Session day (yyyymmdd) of the first bar the order was live for; DAY orders end with it. */
  liveDay: number | undefined;
  /** Current stop level of a TRAIL order, or whether a STP_LMT has triggered. */
  trailStop: number | undefined;
  triggered: boolean;
  /** The order this one is an attached leg of. */
  parentId?: string;
  /** Exit legs to create as this order fills. */
  legs?: AttachedLegs;
  /** Orders of one OCA group share this id (a bracket's two legs form one too). */
  ocaGroup?: string;
}

export interface EngineFill {
  readonly id: string;
  readonly seq: number;
  readonly orderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly action: Side;
  readonly price: number;
  readonly quantity: number;
  readonly commission: number;
  readonly time: number;
}

export interface PositionState {
  readonly account: string;
  readonly symbol: string;
  quantity: number;
  averageCost: number;
  realizedPnl: number;
  lastPrice: number;
}

export interface AccountState {
  readonly account: string;
  cash: number;
  realizedPnl: number;
  commissions: number;
  /** Dividends received (after withholding) less dividends paid on shorts. */
  dividends: number;
  /** Tax withheld from dividends received. */
  withholdingTax: number;
}

/** What one engine call changed, in the order it happened. */
export type EngineEvent =
  | { kind: 'order'; order: Readonly<EngineOrder> }
  | { kind: 'fill'; fill: EngineFill }
  | { kind: 'position'; position: Readonly<PositionState> }
  | { kind: 'account'; account: string }
  /** A split or dividend took effect (before the bar of its ex-date session is matched). */
  | { kind: 'corporateAction'; action: CorporateAction };
