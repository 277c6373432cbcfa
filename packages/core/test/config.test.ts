import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig, parseProperties, parseTokenFile, redact, accountKind, detectDeviceId, PROD_SERVER_PUBLIC_KEY, SANDBOX_SERVER_PUBLIC_KEY } from '../src/index.ts';
import { removeWrittenConfigs, SAMPLE_CONFIG, SAMPLE_INSTITUTIONAL_CONFIG, sampleProps, writeConfig } from './fixtureConfig.ts';

afterAll(removeWrittenConfigs);

const props = sampleProps();
const pk1 = props.get('private_key_pk1')!;
const pk8 = props.get('private_key_pk8')!;
const base = { tiger_id: '20150001', account: '20191106192858300', license: 'TBUS', env: 'PROD' };
const noEnv = {};

function expectConfigError(fields: Record<string, string | undefined>, field: string, text: RegExp): ConfigError {
  let caught: unknown;
  try {
    loadConfig({ path: writeConfig(fields), env: noEnv });
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.field).toBe(field);
  expect(err.message).toMatch(text);
  // The message must never carry key material.
  expect(err.message).not.toContain(pk1.slice(0, 40));
  expect(err.message).not.toContain(pk8.slice(0, 40));
  expect(err.message).not.toMatch(/MII[A-Za-z0-9+/]{20}/);
  return err;
}

describe('parseProperties', () => {
  it('handles comments, both separators, BOM, whitespace and continuation lines', () => {
    const p = parseProperties('\uFEFF# c\n! c2\n a = 1 \nb:2\nc=x\\\n  y\n\nempty=\n');
    expect(Object.fromEntries(p)).toEqual({ a: '1', b: '2', c: 'xy', empty: '' });
  });
  it('splits on the first separator only (base64 padding survives)', () => {
    expect(parseProperties('k=abc==').get('k')).toBe('abc==');
  });
});

describe('loadConfig', () => {
  it('loads the documented sample config (pk1 and pk8 hold the same key)', () => {
    const cfg = loadConfig({ path: SAMPLE_CONFIG, env: noEnv });
    expect(cfg.tigerId).toBe('20150001');
    expect(cfg.account).toBe('12345678');
    expect(cfg.accountKind).toBe('prime');
    expect(cfg.license).toBe('TBHK');
    expect(cfg.env).toBe('PROD');
    expect(cfg.keySource).toEqual({ field: 'private_key_pk1', encoding: 'PKCS#1', armor: 'base64', bits: 1024 });
    expect(cfg.serverUrl).toBe('https://openapi.tigerfintech.com/gateway');
    expect(cfg.warnings.join()).toMatch(/TBHK needs tiger_openapi_token.properties/);
  });

  it('accepts a folder as the path, as the Python SDK does', () => {
    const path = writeConfig({ ...base, private_key_pk1: pk1 });
    expect(loadConfig({ path: dirname(path), env: noEnv }).tigerId).toBe('20150001');
    expect(() => loadConfig({ path: dirname(SAMPLE_CONFIG), env: noEnv })).toThrow(/holds no tiger_openapi_config.properties/);
  });

  it('reads the institutional secret_key', () => {
    expect(loadConfig({ path: SAMPLE_INSTITUTIONAL_CONFIG, env: noEnv }).secretKey).toBe('fcfca571-71db-35c1-9352-9a557cc8258d');
  });

  it('accepts PKCS#8 in the pk1 slot, PKCS#1 in the pk8 slot, and PEM armor', () => {
    expect(loadConfig({ path: writeConfig({ ...base, private_key_pk1: pk8 }), env: noEnv }).keySource.encoding).toBe('PKCS#8');
    expect(loadConfig({ path: writeConfig({ ...base, private_key_pk8: pk1 }), env: noEnv }).keySource.encoding).toBe('PKCS#1');
    const pem = `-----BEGIN RSA PRIVATE KEY-----\\n${pk1.match(/.{1,64}/g)!.join('\\n')}\\n-----END RSA PRIVATE KEY-----`;
    const cfg = loadConfig({ path: writeConfig({ ...base, private_key: pem }), env: noEnv });
    expect(cfg.keySource).toMatchObject({ field: 'private_key', armor: 'pem', encoding: 'PKCS#1' });
  });

  it('classifies accounts as the SDKs do: 17+ digits paper, any shorter all-digit account standard (java util/AccountUtil.java, python common/util/account_util.py)', () => {
    expect(loadConfig({ path: writeConfig({ ...base, private_key_pk1: pk1 }), env: noEnv }).accountKind).toBe('paper');
    expect(accountKind('1234567')).toBe('prime');
    expect(accountKind('U1234567')).toBe('global');
    for (const a of ['1', '1234', '123456789012', '1234567890123456']) expect([a, accountKind(a)]).toEqual([a, 'prime']);
    expect(accountKind('123456789012345678')).toBe('paper');
    expect(loadConfig({ path: writeConfig({ ...base, account: '123456789012', private_key_pk1: pk1 }), env: noEnv }).accountKind).toBe('prime');
  });

  it('sends the machine MAC as device_id unless device_id is set (ts sdk src/config/client-config.ts detectDeviceId)', () => {
    const nic = (mac: string, internal: boolean) => ({ address: '10.0.0.2', netmask: '255.0.0.0', family: 'IPv4' as const, mac, internal, cidr: '10.0.0.2/8' });
    // The TS SDK's rule: the first non-internal, non-zero MAC in the order the system lists them.
    expect(detectDeviceId({ lo: [nic('00:00:00:00:00:00', true)], tun0: [nic('00:00:00:00:00:00', false)], eth0: [nic('02:42:AC:11:00:02', false)], eth1: [nic('02:42:ac:11:00:03', false)] })).toBe('02:42:ac:11:00:02');
    expect(detectDeviceId({ lo: [nic('00:00:00:00:00:00', true)] })).toBeUndefined();
    expect(loadConfig({ path: writeConfig({ ...base, private_key_pk1: pk1 }), env: noEnv }).deviceId).toBe(detectDeviceId());
    expect(loadConfig({ path: writeConfig({ ...base, private_key_pk1: pk1, device_id: 'aa:bb:cc:dd:ee:ff' }), env: noEnv }).deviceId).toBe('aa:bb:cc:dd:ee:ff');
  });

  it('uses the sandbox response key for env=TEST as for SANDBOX (python tiger_open_config.py, java TigerHttpClient.java init)', () => {
    const keyOf = (env: string) => loadConfig({ path: writeConfig({ ...base, env, private_key_pk1: pk1 }), env: noEnv }).serverPublicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(keyOf('TEST')).toBe(SANDBOX_SERVER_PUBLIC_KEY);
    expect(keyOf('SANDBOX')).toBe(SANDBOX_SERVER_PUBLIC_KEY);
    expect(keyOf('PROD')).toBe(PROD_SERVER_PUBLIC_KEY);
  });

  it('lets TIGEROPEN_* env vars and explicit overrides win over the file', () => {
    const path = writeConfig({ ...base, private_key_pk1: pk1 });
    const cfg = loadConfig({ path, env: { TIGEROPEN_ACCOUNT: '7654321', TIGEROPEN_LICENSE: 'TBSG' } });
    expect(cfg.account).toBe('7654321');
    expect(cfg.license).toBe('TBSG');
    expect(loadConfig({ path, env: { TIGEROPEN_ACCOUNT: '7654321' }, overrides: { account: '11111' } }).account).toBe('11111');
  });

  it('reads a TBHK token file beside the config', () => {
    const path = writeConfig({ ...base, license: 'TBHK', private_key_pk1: pk1 });
    const token = Buffer.from('1700000000000,1702592000000,rest').toString('base64');
    writeFileSync(join(dirname(path), 'tiger_openapi_token.properties'), `token=${token}\n`);
    const cfg = loadConfig({ path, env: noEnv });
    expect(cfg.token).toEqual({ token, createdAt: 1700000000000, expiresAt: 1702592000000 });
    // Its expiry (2023-12-14) has passed: said at load time.
    expect(cfg.warnings).toEqual([expect.stringMatching(/TBHK token expired at 2023-12-14T22:13:20.000Z; download a new tiger_openapi_token.properties/)]);
    expect(redact(`Authorization: ${token}`)).not.toContain(token);
  });

  it('warns when the file is readable by other users', () => {
    const path = writeConfig({ ...base, private_key_pk1: pk1 });
    chmodSync(path, 0o644);
    expect(loadConfig({ path, env: noEnv }).warnings.join()).toMatch(/readable by other users.*chmod 600/);
  });

  describe('rejects bad input with one error naming the field, never the key', () => {
    it('missing tiger_id', () => expectConfigError({ ...base, tiger_id: undefined, private_key_pk1: pk1 }, 'tiger_id', /missing/));
    it('non-numeric tiger_id', () => expectConfigError({ ...base, tiger_id: 'abc', private_key_pk1: pk1 }, 'tiger_id', /digits/));
    it('missing account', () => expectConfigError({ ...base, account: undefined, private_key_pk1: pk1 }, 'account', /missing/));
    it('non-numeric account', () => expectConfigError({ ...base, account: 'acct-12', private_key_pk1: pk1 }, 'account', /expected digits/));
    it('device_id with spaces', () => expectConfigError({ ...base, private_key_pk1: pk1, device_id: 'my laptop' }, 'device_id', /printable/));
    it('no key at all', () => expectConfigError({ ...base }, 'private_key_pk1', /missing/));
    it('truncated key', () => expectConfigError({ ...base, private_key_pk1: pk1.slice(0, 200) }, 'private_key_pk1', /broken or truncated/));
    it('key that is not base64', () => expectConfigError({ ...base, private_key_pk8: pk8.slice(0, 100) + '!@#$' + pk8.slice(104) }, 'private_key_pk8', /not valid base64/));
    it('a public key pasted in the private slot', () => {
      const pub = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
      expectConfigError({ ...base, private_key_pk1: pub }, 'private_key_pk1', /public key/);
    });
    it('pk1 and pk8 holding different keys', () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
      expectConfigError({ ...base, private_key_pk1: pk1, private_key_pk8: other }, 'private_key_pk8', /different key/);
    });
    it('a broken key in one slot even if the other is fine', () => expectConfigError({ ...base, private_key_pk1: pk1, private_key_pk8: pk8.slice(0, 300) }, 'private_key_pk8', /./));
    it('unknown env', () => expectConfigError({ ...base, env: 'LIVE', private_key_pk1: pk1 }, 'env', /PROD, SANDBOX or TEST/));
    it('bad license', () => expectConfigError({ ...base, license: 'tb-us', private_key_pk1: pk1 }, 'license', /license code/));
    it('plain http to a remote host', () => expectConfigError({ ...base, private_key_pk1: pk1, server_url: 'http://example.com/gateway' }, 'server_url', /not loopback/));
    it('plain tcp push to a remote host', () => expectConfigError({ ...base, private_key_pk1: pk1, socket_host_port: 'tcp,example.com,9883' }, 'socket_host_port', /not loopback/));
    it('malformed socket_host_port', () => expectConfigError({ ...base, private_key_pk1: pk1, socket_host_port: 'example.com:9883' }, 'socket_host_port', /ssl,host,port/));
    it('a path that does not exist', () => {
      expect(() => loadConfig({ path: '/nonexistent/x.properties', env: noEnv })).toThrow(/does not exist/);
    });
  });

  it('registers every secret with the redactor', () => {
    loadConfig({ path: SAMPLE_INSTITUTIONAL_CONFIG, env: noEnv });
    const text = readFileSync(SAMPLE_INSTITUTIONAL_CONFIG, 'utf8');
    const scrubbed = redact(text);
    expect(scrubbed).not.toContain(pk1.slice(10, 60));
    expect(scrubbed).not.toContain('fcfca571-71db-35c1-9352-9a557cc8258d');
    expect(scrubbed).toContain('tiger_id=20150001');
  });
});

describe('parseTokenFile', () => {
  it('rejects a token without the created,expiry prefix', () => {
    expect(() => parseTokenFile('token=' + Buffer.from('hello').toString('base64'))).toThrow(ConfigError);
  });
});

describe('first-hour config messages', () => {
  it('accepts a multi-line PEM key as users paste it (BEGIN/END on their own lines, or below an empty key=)', () => {
    // Before: `private_key_pk1: is empty`.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().trim();
    const expected = privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const lines = ['tiger_id=20150001', 'account=20191106192858300', 'license=TBUS'];
    for (const text of [[...lines, `private_key_pk1=${pem}`], [...lines, 'private_key_pk1=', pem]]) {
      const path = writeConfig({});
      writeFileSync(path, text.join('\n') + '\n# end\n');
      chmodSync(path, 0o600);
      const cfg = loadConfig({ path, env: noEnv });
      expect(cfg.keySource).toMatchObject({ field: 'private_key_pk1', armor: 'pem', encoding: 'PKCS#1' });
      expect(cfg.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64')).toBe(expected);
      expect(cfg.license).toBe('TBUS');
    }
  });

  it('warns about a license code the SDKs do not know', () => {
    // Before: license=XXXX was accepted silently.
    const path = writeConfig({ ...base, license: 'XXXX', private_key_pk1: pk1 });
    expect(loadConfig({ path, env: noEnv }).warnings.join()).toMatch(/license XXXX is not one the OpenAPI SDKs know \(TBNZ, TBSG, TBHK, TBAU, TBUS\)/);
    expect(loadConfig({ path: writeConfig({ ...base, license: 'TBSG', private_key_pk1: pk1 }), env: noEnv }).warnings).toEqual([]);
  });

  it('an error in a TIGEROPEN_* override names the environment variable', () => {
    // Before: `account: ...` with no word about the variable that set it.
    const path = writeConfig({ ...base, private_key_pk1: pk1 });
    expect(() => loadConfig({ path, env: { TIGEROPEN_ACCOUNT: 'acct-12' } })).toThrow(/^account: .*\(the value comes from the environment variable TIGEROPEN_ACCOUNT, which overrides the file\)/);
    expect(() => loadConfig({ path, env: { TIGEROPEN_ACCOUNT: 'acct-12' } })).toThrow(/or unset TIGEROPEN_ACCOUNT$/);
  });
});
