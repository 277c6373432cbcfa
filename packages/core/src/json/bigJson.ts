import type * as losslessJsonTypes from 'lossless-json';
import { onFirstUse } from '../modules/onFirstUse.ts';

// Its one-file build, on first use: the ESM build's 31 modules took ~23 ms of every command's
// start-up, backtests included, which never parse the wire.
const losslessJson = onFirstUse<typeof losslessJsonTypes>(import.meta.url, 'lossless-json');

/**
 * JSON for the OpenAPI: integers beyond 2^53 (64-bit order ids) parse as `bigint` instead of
 * silently losing digits, and `bigint` values stringify as plain JSON numbers. lossless-json does
 * the number scanning; hand-rolled regex pre-passes get strings-containing-digits wrong.
 *
 * @example
 * ```ts
 * parseBigJson('{"id":40132638459956225}'); // { id: 40132638459956225n }
 * ```
 */
export function parseBigJson(text: string): unknown {
  const { isInteger, isSafeNumber, parse } = losslessJson();
  return parse(text, null, (value: string) => (isInteger(value) && !isSafeNumber(value) ? BigInt(value) : Number(value)));
}

/** Stringifies with `bigint` support (emitted as JSON numbers, digits intact). */
export function stringifyBigJson(value: unknown): string {
  return losslessJson().stringify(value) ?? 'null';
}

/** An id as the client hands it out: a decimal string, whatever width it had on the wire. */
export function idString(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  if (value !== null && typeof value === 'object' && 'toString' in value) {
    const s = String(value);
    if (/^-?\d+$/.test(s)) return s;
  }
  throw new TypeError(`expected an integer id, got ${typeof value}`);
}
