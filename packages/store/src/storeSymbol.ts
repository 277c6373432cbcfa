/**
 * What a stored symbol may be: it names a folder of the store (`<store>/<period>/<SYMBOL>`), so
 * it must be one plain path part: letters, digits and `. ^ _ -`, not starting with `.` (which
 * refuses '', '.', '..' and the store's own `.`-folders beside the series).
 */
export const STORE_SYMBOL = /^[A-Z0-9^_-][A-Z0-9.^_-]*$/;

/**
 * `symbol` upper-cased, or an error naming `field` and what a symbol may be.
 *
 * @example
 * ```ts
 * checkStoreSymbol('brk.b', 'symbol'); // 'BRK.B'
 * checkStoreSymbol('..', 'symbol');    // throws: symbol: expected letters, digits and . ^ _ - ...
 * ```
 */
export function checkStoreSymbol(symbol: string, field: string): string {
  const s = symbol.toUpperCase();
  if (!STORE_SYMBOL.test(s)) throw new Error(`${field}: expected a symbol of letters, digits and . ^ _ - not starting with "." (e.g. NVDA, BRK.B), got "${symbol}"`);
  return s;
}
