import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/**
 * The exact string the OpenAPI signs (protocol.md 3.3): every non-empty top-level parameter
 * except `sign`, keys sorted by code point, joined as `k=v&...` with no escaping.
 *
 * @example
 * ```ts
 * signContent({ method: 'market_state', charset: 'UTF-8' }); // 'charset=UTF-8&method=market_state'
 * ```
 */
export function signContent(params: Readonly<Record<string, string | undefined>>): string {
  const keys = Object.keys(params).filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '');
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let out = '';
  for (const k of keys) out += (out === '' ? '' : '&') + k + '=' + params[k];
  return out;
}

/**
 * RSA PKCS#1 v1.5 with SHA-1 over the UTF-8 bytes of `content`, base64 (no line breaks).
 *
 * @example
 * ```ts
 * const sig = signWithKey(signContent(params), cfg.privateKey);
 * ```
 */
export function signWithKey(content: string, key: KeyObject): string {
  return cryptoSign('sha1', Buffer.from(content, 'utf8'), key).toString('base64');
}

/** Verifies a base64 RSA-SHA1 signature; false (never throws) on a malformed signature. */
export function verifyWithKey(content: string, signature: string, key: KeyObject): boolean {
  try {
    return cryptoVerify('sha1', Buffer.from(content, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

