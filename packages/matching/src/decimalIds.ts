const LOW = 1_000_000_000;

/**
 * The decimal text of `base + seq`, exactly as `(base + BigInt(seq)).toString()` gives it, without
 * a BigInt per id: the base's digits above the last nine are kept as text and only the last nine
 * are added to, as a number. Falls back to BigInt when the low part carries (after about a
 * billion ids from the default bases) or for a negative base.
 *
 * @example
 * ```ts
 * decimalIds(40132638459956224n)(1); // '40132638459956225'
 * ```
 */
export function decimalIds(base: bigint): (seq: number) => string {
  if (base < 0n) return (seq) => (base + BigInt(seq)).toString();
  const high = base / BigInt(LOW);
  const low = Number(base % BigInt(LOW));
  const prefix = high === 0n ? '' : high.toString();
  return (seq) => {
    const n = low + seq;
    if (!Number.isSafeInteger(seq) || seq < 0 || n >= LOW) return (base + BigInt(seq)).toString();
    return prefix === '' ? String(n) : prefix + String(n).padStart(9, '0');
  };
}
