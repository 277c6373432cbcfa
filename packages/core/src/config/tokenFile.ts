import { ConfigError } from './ConfigError.ts';
import { parseProperties } from './parseProperties.ts';

export interface TbhkToken {
  readonly token: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Parses `tiger_openapi_token.properties` (TBHK 2FA). The token is base64 of text starting with
 * `<createdMillis13>,<expireMillis13>`; it is sent raw as the `Authorization` header.
 *
 * @example
 * ```ts
 * parseTokenFile('token=' + Buffer.from('1700000000000,1702592000000').toString('base64'));
 * ```
 */
export function parseTokenFile(text: string): TbhkToken {
  const token = parseProperties(text).get('token') ?? '';
  if (token === '') throw new ConfigError('token', 'is missing from tiger_openapi_token.properties', 'Download the token file again from the developer portal');
  const head = Buffer.from(token, 'base64').toString('latin1').slice(0, 27);
  const [created, expires] = head.split(',');
  const createdAt = Number(created);
  const expiresAt = Number(expires);
  if (!/^\d{13}$/.test(created ?? '') || !/^\d{13}$/.test(expires ?? '')) {
    throw new ConfigError('token', 'is not a TBHK token (expected base64 of "<created ms>,<expiry ms>...")', 'Download the token file again from the developer portal');
  }
  return { token, createdAt, expiresAt };
}
