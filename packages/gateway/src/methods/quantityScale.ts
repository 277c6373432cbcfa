/** Quantity fields and the scale field the service pairs with each (python orders_response.py, trade_client.py positions). */
const SCALED: Record<string, string> = { totalQuantity: 'totalQuantityScale', filledQuantity: 'filledQuantityScale', position: 'positionScale' };

/**
 * Rewrites every quantity in a reply as integer × 10^scale plus its scale field, the way the service
 * sends fractional shares (e.g. position 773 with positionScale 5 = 0.00773 shares).
 */
export function scaleQuantities(v: unknown, scale: number): unknown {
  if (Array.isArray(v)) return v.map((x) => scaleQuantities(x, scale));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  const scaleFields = new Set(Object.values(SCALED));
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (scaleFields.has(k)) continue;
    if (SCALED[k] && (typeof x === 'number' || typeof x === 'bigint')) {
      out[k] = Math.round(Number(x) * 10 ** scale);
      out[SCALED[k]!] = scale;
    } else out[k] = scaleQuantities(x, scale);
  }
  return out;
}

/** The same for a push body's integer-string quantities (OrderStatusData, PositionData). */
export function scalePushQuantity(q: string | undefined, scale: number): string | undefined {
  return q === undefined ? undefined : String(Math.round(Number(q) * 10 ** scale));
}
