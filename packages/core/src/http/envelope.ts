import type { KeyObject } from 'node:crypto';
import { parseBigJson } from '../json/bigJson.ts';
import { signContent, signWithKey, verifyWithKey } from '../signing/signContent.ts';
import { errorForCode, ResponseSignatureError, TransportError } from './errors.ts';

/** Methods that take no biz_content (protocol.md 3.2). */
const NO_BIZ = new Set(['user_license', 'grab_quote_permission', 'get_quote_permission', 'user_token_refresh']);
/** Methods the service expects at version 3.0. */
const V3 = new Set(['timeline', 'contract', 'option_chain', 'future_tick']);

/** `yyyy-MM-dd HH:mm:ss` in UTC (the TS SDK's choice; the server checks only the format). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
export const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export interface RequestEnvelopeInput {
  tigerId: string;
  method: string;
  /** Already-serialized biz_content; the signed string and the sent string must be byte-equal. */
  bizContent: string | undefined;
  privateKey: KeyObject;
  nowMs: number;
  version?: string;
  language?: string;
  deviceId?: string;
}

/**
 * Builds and signs the flat request object POSTed to `/gateway`.
 *
 * @example
 * ```ts
 * const body = buildRequestEnvelope({ tigerId: '20150001', method: 'market_state',
 *   bizContent: '{"market":"US"}', privateKey: cfg.privateKey, nowMs: Date.now() });
 * ```
 */
export function buildRequestEnvelope(input: RequestEnvelopeInput): Record<string, string> {
  const params: Record<string, string> = {
    tiger_id: input.tigerId,
    method: input.method,
    charset: 'UTF-8',
    sign_type: 'RSA',
    timestamp: formatTimestamp(input.nowMs),
    version: input.version ?? (V3.has(input.method) ? '3.0' : '2.0'),
  };
  if (input.bizContent !== undefined && !NO_BIZ.has(input.method)) params.biz_content = input.bizContent;
  if (input.language) params.language = input.language;
  if (input.deviceId) params.device_id = input.deviceId;
  params.sign = signWithKey(signContent(params), input.privateKey);
  return params;
}

export interface ResponseEnvelope {
  code: number;
  message: string;
  timestamp: number;
  data: unknown;
}

/**
 * Parses a reply, verifies its `sign` (the server's signature of the request timestamp) and
 * turns a non-zero code into a typed error. A reply whose sign does not verify is refused, and so
 * is an unsigned success: data we cannot authenticate is not acted on. An unsigned reply with a
 * non-zero code is accepted as that error (the Python, Java and Go SDKs skip verification when
 * `sign` is absent); `onUnsignedError` is told, so the caller can log it.
 *
 * @example
 * ```ts
 * const env = parseResponseEnvelope(text, request.timestamp, cfg.serverPublicKey, 'market_state');
 * ```
 */
export function parseResponseEnvelope(
  body: string, requestTimestamp: string, serverKey: KeyObject, method: string,
  onUnsignedError?: (code: number, message: string) => void,
): ResponseEnvelope {
  let raw: unknown;
  try {
    raw = parseBigJson(body);
  } catch {
    throw new TransportError(`${method}: reply is not JSON (${body.length} bytes)`, method);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TransportError(`${method}: reply is not a JSON object`, method);
  const r = raw as Record<string, unknown>;
  const code = typeof r.code === 'bigint' ? Number(r.code) : r.code;
  if (typeof code !== 'number') throw new TransportError(`${method}: reply has no numeric code`, method);
  const message = typeof r.message === 'string' ? r.message : '';
  if (r.sign === undefined || r.sign === null || r.sign === '') {
    if (code === 0) throw new ResponseSignatureError(`${method}: reply carries no sign; refusing an unauthenticated success reply`, method);
    onUnsignedError?.(code, message);
    throw errorForCode(code, message, method);
  }
  if (typeof r.sign !== 'string') throw new ResponseSignatureError(`${method}: reply sign is not a string`, method);
  if (!verifyWithKey(requestTimestamp, r.sign, serverKey)) {
    throw new ResponseSignatureError(`${method}: reply signature does not verify with the configured server_public_key`, method);
  }
  if (code !== 0) throw errorForCode(code, message, method);
  let data = r.data;
  // Some legacy endpoints double-encode data as a JSON string.
  if (typeof data === 'string' && /^\s*[[{]/.test(data)) {
    try {
      data = parseBigJson(data);
    } catch {
      /* a plain string payload */
    }
  }
  return { code, message, timestamp: Number(r.timestamp ?? 0), data };
}
