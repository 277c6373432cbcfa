import { describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { forgeSign, loadConfig, signContent, signWithKey, verifyWithKey } from '../src/index.ts';
import { SAMPLE_CONFIG } from './fixtureConfig.ts';

const cfg = loadConfig({ path: SAMPLE_CONFIG, env: {} });
const pem = cfg.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();

// protocol.md 3.3 worked example.
const EXAMPLE = {
  tiger_id: '20150001', method: 'market_state', charset: 'UTF-8', sign_type: 'RSA', timestamp: '2024-05-06 09:30:00',
  version: '2.0', device_id: '02:42:ac:11:00:02', biz_content: '{"lang":"en_US","market":"US"}',
};
const EXPECTED_CONTENT = 'biz_content={"lang":"en_US","market":"US"}&charset=UTF-8&device_id=02:42:ac:11:00:02&method=market_state&sign_type=RSA&tiger_id=20150001&timestamp=2024-05-06 09:30:00&version=2.0';
// Computed independently with node-forge from the fixture key; RSA PKCS#1 v1.5 is deterministic.
const EXPECTED_SIGN = 'Bs/Z5nX19072AXLyfzI19+JgUs6MVj6lWAuA12OFJIWqd/hLSY5DRWopLvTENC8g6KxeMecuVAh5649X3gDySGag1rvgQLZJQ0LlJUmmNam57UbBwyobD1X35g1NXwa9wpvh607XAXjI6MUr2cBrPQIYzbvHQeh1IP5gkgM48b4=';
const EXPECTED_CONNECT_SIGN = 'V5PuB6maXTn3JAJw0pLbGhHAz7uOn7JsZKrbScOtufzBRxeNEl0YlIn1tYkOkqdoIQJFHk8moy3awubzs8BikTGCPf+FAjFGEaT6AfOc0INnd1WJ+fjN6LYIIRVpGybDwvHT0dFnKvig73nC9TsAl87JmRROetYZbtKwFS/qnyA=';

describe('signContent', () => {
  it('sorts keys by code point and joins k=v& without escaping (protocol worked example)', () => {
    expect(signContent(EXAMPLE)).toBe(EXPECTED_CONTENT);
  });
  it('drops sign and empty values; "-" sorts before "_"', () => {
    expect(signContent({ sign: 'x', b: '', 'sdk-version': 'j', sign_type: 'RSA', a: '1' })).toBe('a=1&sdk-version=j&sign_type=RSA');
  });
});

describe('signWithKey', () => {
  it('matches the fixed test vector', () => {
    expect(signWithKey(EXPECTED_CONTENT, cfg.privateKey)).toBe(EXPECTED_SIGN);
    expect(signWithKey('20150001', cfg.privateKey)).toBe(EXPECTED_CONNECT_SIGN);
  });
  it('gives the same signature as node-forge for the fixture key', () => {
    for (const s of [EXPECTED_CONTENT, '20150001', 'ünïcødé=値&x=1']) expect(signWithKey(s, cfg.privateKey)).toBe(forgeSign(s, pem));
  });
  it('verifies with the public half and rejects a tampered string or garbage signature', () => {
    const pub = createPublicKey(cfg.privateKey);
    expect(verifyWithKey(EXPECTED_CONTENT, EXPECTED_SIGN, pub)).toBe(true);
    expect(verifyWithKey(EXPECTED_CONTENT + 'x', EXPECTED_SIGN, pub)).toBe(false);
    expect(verifyWithKey(EXPECTED_CONTENT, 'not-base64!!', pub)).toBe(false);
  });
});
