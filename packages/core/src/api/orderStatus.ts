/**
 * Order status names and codes as the service sends them: the Java SDK's `OrderStatus` enum and
 * the Go SDK's `model/enums.go` (protocol.md 6.2).
 */
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

/** A status one of the official SDKs' tables names. */
export type KnownOrderStatus = keyof typeof ORDER_STATUS_CODES;
/**
 * `Unknown`: the service sent a status no SDK table names. It is not final: the order's truth
 * comes from the next order lookup. The service's own text is kept in `Order.rawStatus`.
 */
export type OrderStatus = KnownOrderStatus | 'Unknown';

/**
 * Every spelling the SDKs accept, keyed by the lower-cased name without underscores. From the
 * Python SDK's `get_order_status` (common/util/order_utils.py) and its `OrderStatus` enum names
 * and values (common/consts/__init__.py), and the Go SDK's names (model/enums.go).
 */
const BY_NAME: ReadonlyMap<string, KnownOrderStatus> = new Map<string, KnownOrderStatus>([
  ['initial', 'Initial'], ['new', 'Initial'],
  // Python folds these into HELD; a held order with fills is its PARTIALLY_FILLED.
  ['submitted', 'Submitted'], ['held', 'Submitted'], ['partiallyfilled', 'Submitted'],
  // Go/Java keep PendingSubmit apart; Python's PENDING_NEW ('PendingNew') is the same not-yet-acknowledged state.
  ['pendingsubmit', 'PendingSubmit'], ['pendingnew', 'PendingSubmit'],
  ['pendingcancel', 'PendingCancel'],
  ['cancelled', 'Cancelled'],
  ['filled', 'Filled'],
  ['inactive', 'Inactive'], ['rejected', 'Inactive'],
  ['invalid', 'Invalid'], ['expired', 'Invalid'],
]);

/** Numeric codes: the Java enum's, plus 2, which the Python SDK reads as HELD. */
const BY_CODE: ReadonlyMap<number, KnownOrderStatus> = new Map<number, KnownOrderStatus>([
  ...Object.entries(ORDER_STATUS_CODES).map(([k, v]) => [v, k as KnownOrderStatus] as const),
  [2, 'Submitted'],
]);

/**
 * Normalizes a status given as a name in any of the SDKs' spellings (`Held`, `HELD`,
 * `PartiallyFilled`, `PENDING_NEW` ...) or a numeric code (number or digits). Never throws: a
 * value none of the tables names is `'Unknown'`.
 *
 * @example
 * ```ts
 * parseOrderStatus('Held');  // 'Submitted'
 * parseOrderStatus(6);       // 'Filled'
 * parseOrderStatus('Weird'); // 'Unknown'
 * ```
 */
export function parseOrderStatus(v: unknown): OrderStatus {
  if (typeof v === 'string') {
    const byName = BY_NAME.get(v.trim().replaceAll('_', '').toLowerCase());
    if (byName) return byName;
  }
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  return BY_CODE.get(n) ?? 'Unknown';
}

/** The status as text for logs and `Order.rawStatus` (`(missing)` when the field was absent). */
export function rawStatusText(v: unknown): string {
  return v === undefined || v === null || v === '' ? '(missing)' : String(v);
}

/** Terminal states: no further fills or changes. `Unknown` is not terminal. */
export function isTerminal(s: OrderStatus): boolean {
  return s === 'Filled' || s === 'Cancelled' || s === 'Inactive' || s === 'Invalid';
}
