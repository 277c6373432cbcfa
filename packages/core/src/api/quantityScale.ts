/**
 * A quantity sent as an integer and a decimal scale (fractional shares): `value / 10^scale`, as in
 * the python SDK's trade_client.py positions example (position 773, position_scale 5 = 0.00773).
 */
export const scaledQuantity = (value: number, scale: number | undefined): number => (scale ? Number((value / 10 ** scale).toFixed(scale)) : value);
