import { timingSafeEqual } from 'node:crypto';

/**
 * True when `given` is `want`, compared in constant time (a byte-by-byte compare would tell an
 * attacker by its timing how much of a guess is right). A different length is refused at once:
 * the length of a token is no secret.
 *
 * @example
 * ```ts
 * sameToken(requestToken, runToken); // false for a wrong, shorter or empty token
 * ```
 */
export function sameToken(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}
