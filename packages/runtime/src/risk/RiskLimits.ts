/**
 * Pre-trade limits. Every field is optional; an absent field is not checked. Position, gross
 * exposure and open-order limits count working orders (open at the venue, in flight, or with an
 * outcome not yet known) as if they filled.
 */
export interface RiskLimits {
  maxOrderQuantity?: number;
  maxOrderNotional?: number;
  /** Position + working buys + the order <= limit; position - working sells - the order >= -limit. */
  maxPositionPerSymbol?: number;
  /** Gross exposure if every working order filled (at its limit/stop price, else the last price). */
  maxGrossExposure?: number;
  /** Loss (positive number) from the day's starting equity (the previous session's close) that halts new exposure. */
  dailyLossLimit?: number;
  allowedSymbols?: readonly string[];
  /** Orders accepted per minute of venue time (replay time on a replaying gateway, wall time live). */
  maxOrdersPerMinute?: number;
  /** A limit or stop price further than this percentage from the last price is refused (fat finger). */
  priceBandPercent?: number;
  /** Working orders (open, in flight, outcome unknown) plus the new one may not exceed this. */
  maxOpenOrders?: number;
}
