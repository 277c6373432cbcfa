import { describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  BizParamError, buildRequestEnvelope, CommonParamError, idString, loadConfig, parseBigJson, parseResponseEnvelope, PermissionError,
  RateLimitError, ResponseSignatureError, signContent, signWithKey, stringifyBigJson, TradeError, TransportError, verifyWithKey, errorForCode,
} from '../src/index.ts';
import { SAMPLE_CONFIG } from './fixtureConfig.ts';

const cfg = loadConfig({ path: SAMPLE_CONFIG, env: {} });
const server = generateKeyPairSync('rsa', { modulusLength: 1024 });
const TS = '2024-05-06 09:30:00';
const reply = (o: Record<string, unknown>, sign = signWithKey(TS, server.privateKey)) => stringifyBigJson({ timestamp: 1, ...o, sign });

describe('buildRequestEnvelope', () => {
  it('carries the common fields, a UTC timestamp and a signature over exactly what is sent', () => {
    const env = buildRequestEnvelope({ tigerId: '20150001', method: 'market_state', bizContent: '{"market":"US"}', privateKey: cfg.privateKey, nowMs: Date.UTC(2024, 4, 6, 9, 30, 0) });
    expect(env).toMatchObject({ tiger_id: '20150001', method: 'market_state', charset: 'UTF-8', sign_type: 'RSA', version: '2.0', timestamp: TS, biz_content: '{"market":"US"}' });
    const { sign, ...rest } = env;
    expect(verifyWithKey(signContent(rest), sign!, createPublicKey(cfg.privateKey))).toBe(true);
  });
  it('signs device_id as a top-level common param, in sorted position (python tiger_open_client.py __get_common_params + signature_utils.get_sign_content)', () => {
    const env = buildRequestEnvelope({ tigerId: '20150001', method: 'market_state', bizContent: '{"market":"US"}', privateKey: cfg.privateKey, nowMs: Date.UTC(2024, 4, 6, 9, 30, 0), language: 'en_US', deviceId: '02:42:ac:11:00:02' });
    const { sign, ...rest } = env;
    // The Python SDK signs every param sorted by key, `k=v` joined by `&`: device_id between charset and language.
    const python = 'biz_content={"market":"US"}&charset=UTF-8&device_id=02:42:ac:11:00:02&language=en_US&method=market_state&sign_type=RSA&tiger_id=20150001&timestamp=2024-05-06 09:30:00&version=2.0';
    expect(signContent(rest)).toBe(python);
    expect(verifyWithKey(python, sign!, createPublicKey(cfg.privateKey))).toBe(true);
  });
  it('uses version 3.0 for contract and omits biz_content for parameterless methods', () => {
    expect(buildRequestEnvelope({ tigerId: '1', method: 'contract', bizContent: '{}', privateKey: cfg.privateKey, nowMs: 0 }).version).toBe('3.0');
    expect(buildRequestEnvelope({ tigerId: '1', method: 'user_license', bizContent: '{}', privateKey: cfg.privateKey, nowMs: 0 }).biz_content).toBeUndefined();
  });
});

describe('bigint-safe JSON', () => {
  it('keeps order ids above 2^53 exact, both ways', () => {
    const text = '{"id":40132638459956225,"small":12,"price":1.5,"s":"9007199254740993"}';
    const v = parseBigJson(text) as Record<string, unknown>;
    expect(v.id).toBe(40132638459956225n);
    expect(v.small).toBe(12);
    expect(v.s).toBe('9007199254740993');
    expect(stringifyBigJson(v)).toBe(text);
    expect(idString(v.id)).toBe('40132638459956225');
    expect(Number('40132638459956225').toString()).not.toBe('40132638459956225'); // what a plain parse would lose
  });
});

describe('parseResponseEnvelope', () => {
  it('returns data after verifying the server signature of the request timestamp', () => {
    const r = parseResponseEnvelope(reply({ code: 0, message: 'success', data: { id: 40132638459956225n } }), TS, server.publicKey, 'place_order');
    expect(r.data).toEqual({ id: 40132638459956225n });
  });
  it('decodes double-encoded data strings', () => {
    expect(parseResponseEnvelope(reply({ code: 0, data: '{"items":[1]}' }), TS, server.publicKey, 'trade_tick').data).toEqual({ items: [1] });
  });
  it('refuses a success reply without sign, or any reply signed by another key, or over another timestamp', () => {
    expect(() => parseResponseEnvelope(JSON.stringify({ code: 0, data: {} }), TS, server.publicKey, 'orders')).toThrow(ResponseSignatureError);
    expect(() => parseResponseEnvelope(JSON.stringify({ code: 0, data: {}, sign: '' }), TS, server.publicKey, 'orders')).toThrow(ResponseSignatureError);
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => parseResponseEnvelope(reply({ code: 0 }, signWithKey(TS, other.privateKey)), TS, server.publicKey, 'orders')).toThrow(ResponseSignatureError);
    expect(() => parseResponseEnvelope(reply({ code: 5, message: 'rate limit' }, signWithKey(TS, other.privateKey)), TS, server.publicKey, 'orders')).toThrow(ResponseSignatureError);
    expect(() => parseResponseEnvelope(reply({ code: 0 }), '2024-05-06 09:30:01', server.publicKey, 'orders')).toThrow(ResponseSignatureError);
  });
  it('accepts an unsigned error reply as its typed error, and says so (python tiger_open_client.py __parse_response, go http_client.go verifyResponseSign)', () => {
    const told: Array<[number, string]> = [];
    const cases: Array<[number, string, unknown]> = [[1010, 'bad begin_time', BizParamError], [5, 'rate limit error', RateLimitError], [4, '4000:permission denied(current device does not have permission)', PermissionError]];
    for (const [code, message, type] of cases) {
      const body = JSON.stringify({ code, message, timestamp: 1 });
      expect(() => parseResponseEnvelope(body, TS, server.publicKey, 'kline', (c, m) => told.push([c, m]))).toThrow(type as new () => Error);
    }
    expect(told).toEqual(cases.map(([c, m]) => [c, m]));
  });
  it('refuses an error reply (code != 0) with a wrong sign as a signature error, not as the error it claims', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const body of [
      reply({ code: 1200, message: 'order rejected' }, signWithKey(TS, other.privateKey)),
      reply({ code: 5, message: 'rate limit error' }, signWithKey('2024-05-06 09:30:01', server.privateKey)),
    ]) {
      let err: unknown;
      try {
        parseResponseEnvelope(body, TS, server.publicKey, 'place_order');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ResponseSignatureError);
      expect(err).not.toBeInstanceOf(TradeError);
      expect(err).not.toBeInstanceOf(RateLimitError);
    }
  });
  it('maps codes to typed errors', () => {
    const cases: Array<[number, string, unknown]> = [
      [1000, 'failed to verify signature', CommonParamError], [1010, 'bad begin_time', BizParamError], [1200, 'bad_request', TradeError],
      [1300, 'paper', TradeError], [4, '4000:permission denied', PermissionError], [5, 'rate limit error', RateLimitError],
      [4, 'rate limit error(current limiting interface:kline, up to 60 times per minute)', RateLimitError],
    ];
    for (const [code, msg, type] of cases) {
      let err: unknown;
      try {
        parseResponseEnvelope(reply({ code, message: msg }), TS, server.publicKey, 'm');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(type as new () => Error);
      expect((err as { code: number }).code).toBe(code);
    }
    expect(errorForCode(2100, 'x', 'kline').name).toBe('QuoteError');
    expect(errorForCode(2400, 'x', 'kline').name).toBe('TokenError');
  });
  it('rejects non-JSON and non-object bodies as transport errors', () => {
    expect(() => parseResponseEnvelope('<html>', TS, server.publicKey, 'm')).toThrow(TransportError);
    expect(() => parseResponseEnvelope('[1]', TS, server.publicKey, 'm')).toThrow(TransportError);
  });
});
