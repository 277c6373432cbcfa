/** One price band of a contract's tick-size table: prices in [begin, end) move in steps of tickSize. */
export interface TickBand {
  readonly begin: number;
  readonly end: number;
  readonly tickSize: number;
}

/**
 * US stocks: 0.0001 below $1, 0.01 from $1 up (SEC Regulation NMS Rule 612, the sub-penny rule; the
 * service's `contract` reply for a US stock carries this table in `tickSizes`).
 */
export const US_STOCK_TICKS: readonly TickBand[] = Object.freeze([
  { begin: 0, end: 1, tickSize: 0.0001 },
  { begin: 1, end: Infinity, tickSize: 0.01 },
]);

/** The tick size at `price` in `bands` (the last band's beyond the table). */
export function tickSizeAt(price: number, bands: readonly TickBand[] = US_STOCK_TICKS): number {
  for (const b of bands) if (price >= b.begin && price < b.end) return b.tickSize;
  return bands[bands.length - 1]!.tickSize;
}

/**
 * Whether `price` is a whole number of ticks. The tolerance only absorbs binary floating point
 * (0.1 + 0.2 is on the cent grid); a real sub-tick difference such as 10.005 is not on it.
 */
export function onTick(price: number, tick: number): boolean {
  const steps = price / tick;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}
