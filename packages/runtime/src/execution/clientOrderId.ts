import { randomInt } from 'node:crypto';

/**
 * The client order id, sent to the broker as `userMark`: `pc1.<nonce>.<tag>.<n>`.
 *
 * - `pc1`: this format, version 1 (Pounce client id).
 * - `nonce`: 10 random characters `[0-9a-z]` (about 51 bits) drawn when a run starts and kept in
 *   its journal's `run` entry, so two runs never share ids even with the same `--run-dir`.
 * - `tag`: 1-8 characters `[a-z0-9]` naming the strategy within one process (`main` for a
 *   single-strategy run); a multi-strategy node routes the venue's orders back by it.
 * - `n`: the run's order counter, decimal from 1. Every id taken is journaled (an `intent`, or a
 *   `rejected` for an order refused before sending) and `--resume` continues from the highest `n`
 *   seen, so no id is issued twice.
 *
 * Length: no official SDK states a limit for `user_mark` (openapi-python-sdk CHANGELOG 2.1.1
 * says "a remark of a certain length", `tigeropen/trade/domain/order.py`; openapi-java-sdk
 * `TradeOrderModel.userMark` and openapi-go-sdk `model/order.go` `UserMark` carry no bound; the
 * SDKs' own examples use at most 18 characters). Pounce budgets 32 ASCII characters and refuses
 * to make a longer id: 4 + 10 + 1 + 8 + 1 + 8 = 32 at the longest tag and an 8-digit counter.
 */
export interface ClientOrderId {
  nonce: string;
  tag: string;
  n: number;
}

/** The longest id Pounce will send as `userMark`. */
export const CLIENT_ORDER_ID_MAX_LENGTH = 32;
/** Tag used by a run with one strategy. */
export const DEFAULT_ORDER_TAG = 'main';
const PREFIX = 'pc1';
const NONCE_LENGTH = 10;
const NONCE = /^[0-9a-z]{10}$/;
const TAG = /^[a-z0-9]{1,8}$/;
const SHAPE = /^pc1\.([0-9a-z]{10})\.([a-z0-9]{1,8})\.([1-9][0-9]{0,7})$/;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A fresh random run nonce (crypto randomness: two runs on one account must not collide). */
export function newRunNonce(): string {
  let s = '';
  for (let i = 0; i < NONCE_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** Throws naming the field when `tag` cannot be part of an id. */
export function checkOrderTag(tag: string): string {
  if (!TAG.test(tag)) throw new Error(`order tag: expected 1-8 characters a-z or 0-9, got "${tag}"`);
  return tag;
}

/**
 * @example
 * ```ts
 * formatClientOrderId({ nonce: 'k3x9a0b2c1', tag: 'main', n: 7 }); // 'pc1.k3x9a0b2c1.main.7'
 * ```
 */
export function formatClientOrderId(id: ClientOrderId): string {
  if (!NONCE.test(id.nonce)) throw new Error(`client order id: nonce must be 10 characters 0-9a-z, got "${id.nonce}"`);
  checkOrderTag(id.tag);
  if (!Number.isInteger(id.n) || id.n < 1 || id.n > 99_999_999) throw new Error(`client order id: counter must be an integer 1..99999999, got ${id.n}`);
  return `${PREFIX}.${id.nonce}.${id.tag}.${id.n}`;
}

/**
 * `formatClientOrderId` for one run and tag: the nonce and tag are checked once, so an order's id
 * costs one concatenation (it is made for every order).
 *
 * @example
 * ```ts
 * const idOf = clientOrderIdsOf('k3x9a0b2c1', 'main');
 * idOf(7); // 'pc1.k3x9a0b2c1.main.7'
 * ```
 */
export function clientOrderIdsOf(nonce: string, tag: string): (n: number) => string {
  let prefix: string | undefined;
  return (n) => {
    // Checked at the first id, as formatClientOrderId would (a bad nonce or tag refuses that order).
    prefix ??= formatClientOrderId({ nonce, tag, n: 1 }).slice(0, -1);
    if (!Number.isInteger(n) || n < 1 || n > 99_999_999) throw new Error(`client order id: counter must be an integer 1..99999999, got ${n}`);
    return prefix + n;
  };
}

/** The parts of an id this module made, or undefined for anything else (e.g. a manual order's mark). */
export function parseClientOrderId(s: string): ClientOrderId | undefined {
  const m = SHAPE.exec(s);
  return m ? { nonce: m[1]!, tag: m[2]!, n: Number(m[3]) } : undefined;
}
