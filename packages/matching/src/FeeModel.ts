import type { Side } from './types.ts';

/**
 * Fees for an order's cumulative execution. The engine charges the difference between the fee
 * of the fills so far and before, so one order partially filled ten times costs the same as one
 * fill (minimums apply per order, as brokers charge them).
 */
export interface FeeModel {
  orderFee(side: Side, cumQuantity: number, cumValue: number): number;
}

export interface TieredUsStockFees {
  commissionPerShare: number;
  commissionMin: number;
  platformPerShare: number;
  platformMin: number;
  /** Cap of commission and platform fee each, as a fraction of trade value. */
  capFraction: number;
  /** SEC fee on sells, fraction of value. */
  secFeeRate: number;
  /** FINRA trading activity fee on sells, per share, with a cap. */
  tafPerShare: number;
  tafMax: number;
}

/**
 * A TradeUP/Tiger-like US stock schedule: per-share commission and platform fee with per-order
 * minimums, capped at a fraction of value, plus SEC fee and FINRA TAF on sells. The figures are an
 * approximation of the public schedule, not a quote of it; pass your own for your account.
 */
export const TRADEUP_LIKE_US_STOCK: TieredUsStockFees = {
  commissionPerShare: 0.0049, commissionMin: 0.99, platformPerShare: 0.005, platformMin: 1.0, capFraction: 0.01,
  secFeeRate: 0.0000278, tafPerShare: 0.000166, tafMax: 8.3,
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/** @example `tieredFees().orderFee('BUY', 100, 1000)` is 1.99 (two per-order minimums). */
export function tieredFees(s: TieredUsStockFees = TRADEUP_LIKE_US_STOCK): FeeModel {
  return {
    orderFee(side, q, value) {
      if (q <= 0) return 0;
      const cap = value * s.capFraction;
      const commission = Math.min(cap, Math.max(s.commissionMin, q * s.commissionPerShare));
      const platform = Math.min(cap, Math.max(s.platformMin, q * s.platformPerShare));
      const regulatory = side === 'SELL' ? value * s.secFeeRate + Math.min(s.tafMax, q * s.tafPerShare) : 0;
      return round2(commission + platform + regulatory);
    },
  };
}

/** A flat fee per share (or zero): for tests and for comparing against frameworks that use one. */
export function perShareFees(perShare: number, minimum = 0): FeeModel {
  return { orderFee: (_s, q) => (q <= 0 ? 0 : round2(Math.max(minimum, q * perShare))) };
}
