/** Order status names and codes as the service sends them (protocol.md 6.2). */
export const ORDER_STATUS_CODES = {
  Invalid: -2,
  Initial: -1,
  PendingCancel: 3,
  Cancelled: 4,
  Submitted: 5,
  Filled: 6,
  Inactive: 7,
  PendingSubmit: 8,
} as const;

export type OrderStatus = keyof typeof ORDER_STATUS_CODES;
const BY_CODE = new Map<number, OrderStatus>(Object.entries(ORDER_STATUS_CODES).map(([k, v]) => [v, k as OrderStatus]));
const ALIASES: Record<string, OrderStatus> = {
  NEW: 'Initial', HELD: 'Submitted', PENDING_CANCEL: 'PendingCancel', CANCELLED: 'Cancelled', FILLED: 'Filled',
  REJECTED: 'Inactive', EXPIRED: 'Invalid',
};

/** Normalizes a status given as a name, a Python-style alias or a numeric code. */
export function parseOrderStatus(v: unknown): OrderStatus {
  if (typeof v === 'string' && v in ORDER_STATUS_CODES) return v as OrderStatus;
  if (typeof v === 'string' && v in ALIASES) return ALIASES[v]!;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (n === 2) return 'Submitted';
  const s = BY_CODE.get(n);
  if (s) return s;
  throw new TypeError(`status: expected an order status name or code, got ${String(v)}`);
}

/** Terminal states: no further fills or changes. */
export function isTerminal(s: OrderStatus): boolean {
  return s === 'Filled' || s === 'Cancelled' || s === 'Inactive' || s === 'Invalid';
}
