import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { registerSecret } from '../log/redact.ts';
import { accountKind, type AccountKind } from './accountKind.ts';
import { ConfigError } from './ConfigError.ts';
import { detectDeviceId } from './deviceId.ts';
import { parseProperties } from './parseProperties.ts';
import { parsePrivateKey, parsePublicKey, publicKeyBase64, type KeyEncoding } from './privateKey.ts';
import { normalizeFingerprint } from '../push/pushTls.ts';
import { DEFAULT_ENDPOINTS, DOMAIN_GARDEN_URL, PROD_SERVER_PUBLIC_KEY, SANDBOX_SERVER_PUBLIC_KEY } from './serverKeys.ts';
import { parseTokenFile, type TbhkToken } from './tokenFile.ts';

export const CONFIG_FILE_NAME = 'tiger_openapi_config.properties';
export const TOKEN_FILE_NAME = 'tiger_openapi_token.properties';

export type Env = 'PROD' | 'SANDBOX' | 'TEST';

/** A fully validated client configuration. Key material lives only in `privateKey` (a KeyObject). */
export interface OpenApiConfig {
  readonly tigerId: string;
  readonly account: string;
  readonly accountKind: AccountKind;
  readonly license: string | undefined;
  readonly env: Env;
  readonly privateKey: KeyObject;
  /** Where the key came from and how it was encoded, for `config check` (never the key). */
  readonly keySource: { field: string; encoding: KeyEncoding; armor: 'pem' | 'base64'; bits: number };
  readonly secretKey: string | undefined;
  readonly token: TbhkToken | undefined;
  readonly serverUrl: string;
  readonly serverPublicKey: KeyObject;
  readonly push: {
    host: string; port: number; tls: boolean; caPem: string | undefined;
    /** push_cert_sha256: the one certificate accepted (pinned), normalised to AB:CD:... */
    certSha256: string | undefined;
    /** push_tls_insecure=true: accept any certificate (warned on every connect). */
    insecure: boolean;
  };
  /** `{LICENSE}-QUOTE` URL from discovery; undefined means quotes go to `serverUrl`. */
  readonly quoteServerUrl: string | undefined;
  /** True when server_url / socket_host_port were given (in the file, env or overrides): discovery leaves them alone. */
  readonly explicitEndpoints: { server: boolean; push: boolean };
  /**
   * Server discovery (domain garden): `enable_dynamic_domain` (python SDK name, default true) and
   * `domain_garden_url` (default https://cg.play-analytics.com, as every SDK).
   */
  readonly discovery: { enabled: boolean; gardenUrl: string };
  /** grab_quote_permission=false skips taking the quote permission at start-up (python is_grab_permission, java isAutoGrabPermission). */
  readonly grabQuotePermission: boolean;
  /** token_refresh_duration (python SDK, seconds): refresh the TBHK token once it is older; 0 = never (the SDK default). */
  readonly tokenRefreshSeconds: number;
  /** Where the TBHK token was read from, and where a refreshed token is written (undefined for TIGEROPEN_TOKEN). */
  readonly tokenPath: string | undefined;
  readonly language: string;
  /** Sent as `device_id`: `device_id` from the config, else this machine's MAC (undefined when it has none). */
  readonly deviceId: string | undefined;
  readonly timeoutMs: number;
  /** The file that was read, if any. */
  readonly path: string | undefined;
  /** Non-fatal findings (e.g. a config file readable by other users). */
  readonly warnings: readonly string[];
}

export interface LoadConfigOptions {
  /** A config file or a folder holding `tiger_openapi_config.properties`. */
  path?: string;
  /** Environment to read `TIGEROPEN_*` overrides from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Explicit values; these win over env vars and the file. */
  overrides?: Partial<Record<string, string>>;
}

/**
 * The places `resolveConfigPath` looks, in order, for a "no config found" message: the explicit
 * path, TIGEROPEN_PROPS_PATH, this folder, ~/.tigeropen.
 */
export function configSearchPlaces(path: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    path ? resolve(path) : '--config (not given)',
    env.TIGEROPEN_PROPS_PATH ? resolve(env.TIGEROPEN_PROPS_PATH) : 'TIGEROPEN_PROPS_PATH (not set)',
    join(process.cwd(), CONFIG_FILE_NAME),
    join(homedir(), '.tigeropen', CONFIG_FILE_NAME),
  ];
}

/** The license codes the official SDKs know (python tigeropen/common/consts License). */
export const KNOWN_LICENSES = ['TBNZ', 'TBSG', 'TBHK', 'TBAU', 'TBUS'] as const;

/** Where the official Go/TS SDKs look, after an explicit path and TIGEROPEN_PROPS_PATH. */
export function resolveConfigPath(path: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [path, env.TIGEROPEN_PROPS_PATH, join(process.cwd(), CONFIG_FILE_NAME), join(homedir(), '.tigeropen', CONFIG_FILE_NAME)];
  for (const c of candidates) {
    if (!c) continue;
    const p = resolve(c);
    if (!existsSync(p)) {
      if (c === path || c === env.TIGEROPEN_PROPS_PATH) throw new ConfigError('config path', `${p} does not exist`, 'Pass --config with the path of tiger_openapi_config.properties');
      continue;
    }
    if (!statSync(p).isDirectory()) return p;
    const file = join(p, CONFIG_FILE_NAME);
    if (existsSync(file)) return file;
    if (c === path || c === env.TIGEROPEN_PROPS_PATH) throw new ConfigError('config path', `${p} holds no ${CONFIG_FILE_NAME}`, 'Pass the file itself, or the folder it is in');

  }
  return undefined;
}

const ENV_KEYS: Record<string, string> = {
  TIGEROPEN_TIGER_ID: 'tiger_id',
  TIGEROPEN_PRIVATE_KEY: 'private_key',
  TIGEROPEN_ACCOUNT: 'account',
  TIGEROPEN_SECRET_KEY: 'secret_key',
  TIGEROPEN_TOKEN: 'token',
  TIGEROPEN_LICENSE: 'license',
  TIGEROPEN_SERVER_URL: 'server_url',
  TIGEROPEN_SOCKET_HOST_PORT: 'socket_host_port',
  TIGEROPEN_TIMEOUT: 'timeout',
  TIGEROPEN_LANGUAGE: 'language',
  TIGEROPEN_TOKEN_REFRESH_DURATION: 'token_refresh_duration',
};

function flag(props: Map<string, string>, field: string, dflt: boolean): boolean {
  const v = (props.get(field) ?? '').trim().toLowerCase();
  if (v === '') return dflt;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new ConfigError(field, `"${v}" is not true or false`, `Write ${field}=true or ${field}=false`);
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/;

/** True for hosts on this machine; only these may be reached without TLS. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

function readKey(props: Map<string, string>): { key: KeyObject; source: OpenApiConfig['keySource'] } {
  const slots = ['private_key', 'private_key_pk1', 'private_key_pk8'].filter((f) => (props.get(f) ?? '') !== '');
  if (slots.length === 0) {
    throw new ConfigError('private_key_pk1', 'is missing (no private_key, private_key_pk1 or private_key_pk8 given)', 'Add the private key exported from the developer portal');
  }
  const parsed = slots.map((field) => ({ field, ...parsePrivateKey(props.get(field)!, field) }));
  const first = parsed[0]!;
  const firstPub = publicKeyBase64(first.key);
  for (const other of parsed.slice(1)) {
    if (publicKeyBase64(other.key) !== firstPub) {
      throw new ConfigError(other.field, `holds a different key than ${first.field}`, 'Keep only the key pair currently registered on the developer portal');
    }
  }
  return { key: first.key, source: { field: first.field, encoding: first.encoding, armor: first.armor, bits: first.bits } };
}

function parseHostPort(value: string, field: string): { host: string; port: number; tls: boolean } {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length !== 3 || !['ssl', 'tcp'].includes(parts[0]!) || !/^\d{1,5}$/.test(parts[2]!)) {
    throw new ConfigError(field, `"${value}" is not of the form ssl,host,port`, 'Write it like ssl,openapi.tigerfintech.com,9883');
  }
  return { tls: parts[0] === 'ssl', host: parts[1]!, port: Number(parts[2]) };
}

/**
 * Loads and validates the client configuration: explicit overrides > `TIGEROPEN_*` env vars >
 * the properties file. Every problem is a ConfigError naming the field; no message ever contains
 * key material, and every secret is registered with the log redactor.
 *
 * @example
 * ```ts
 * const cfg = loadConfig({ path: '../shared/fixtures/sample_openapi_config.properties' });
 * cfg.accountKind; // 'prime'
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): OpenApiConfig {
  const env = options.env ?? process.env;
  const path = resolveConfigPath(options.path, env);
  const props = path ? parseProperties(readFileSync(path, 'utf8')) : new Map<string, string>();
  /** Fields whose value came from a TIGEROPEN_* variable: their errors name it. */
  const fromEnv = new Map<string, string>();
  for (const [envKey, field] of Object.entries(ENV_KEYS)) {
    const v = env[envKey];
    if (v !== undefined && v !== '') {
      props.set(field, v);
      fromEnv.set(field, envKey);
    }
  }
  for (const [k, v] of Object.entries(options.overrides ?? {})) {
    if (v === undefined) continue;
    props.set(k, v);
    fromEnv.delete(k);
  }
  if (!path && props.size === 0) {
    throw new ConfigError('config', `no config found; looked in: ${configSearchPlaces(options.path, env).join(', ')}; and no TIGEROPEN_* environment variables are set`,
      `Pass --config FILE, set TIGEROPEN_PROPS_PATH, or put ${CONFIG_FILE_NAME} in this folder or in ~/.tigeropen/ (npm run gateway writes one for the local gateway)`);
  }
  try {
    return validate(props, path);
  } catch (err) {
    const envKey = err instanceof ConfigError ? fromEnv.get(err.field) : undefined;
    if (err instanceof ConfigError && envKey) {
      throw new ConfigError(err.field, `${err.problem} (the value comes from the environment variable ${envKey}, which overrides the file)`, `${err.fix}, or unset ${envKey}`);
    }
    throw err;
  }
}

/** Checks every field of the merged properties (file, env, overrides). */
function validate(props: Map<string, string>, path: string | undefined): OpenApiConfig {
  // A key given by env var may be the path of a PEM file, as in the Python SDK.
  const envKey = props.get('private_key');
  if (envKey && !envKey.includes('MII') && existsSync(envKey)) props.set('private_key', readFileSync(envKey, 'utf8'));
  for (const f of ['private_key', 'private_key_pk1', 'private_key_pk8', 'secret_key', 'token']) registerSecret(props.get(f));

  const where = path ? ` in ${path}` : '';
  const tigerId = props.get('tiger_id') ?? '';
  if (tigerId === '') throw new ConfigError('tiger_id', `is missing${where}`, 'Add tiger_id=<your developer id> from the developer portal');
  if (!/^\d{1,12}$/.test(tigerId)) throw new ConfigError('tiger_id', 'must be digits only', 'Copy tiger_id from the developer portal');
  const account = props.get('account') ?? '';
  if (account === '') throw new ConfigError('account', `is missing${where}`, 'Add account=<account number> (17 digits for paper)');
  const kind = accountKind(account);

  const envName = (props.get('env') || 'PROD').toUpperCase();
  if (envName !== 'PROD' && envName !== 'SANDBOX' && envName !== 'TEST') {
    throw new ConfigError('env', `"${envName}" is not PROD, SANDBOX or TEST`, 'Use env=PROD (paper accounts also use PROD)');
  }
  const license = props.get('license') || undefined;
  if (license !== undefined && !/^[A-Z]{4}$/.test(license)) {
    throw new ConfigError('license', `"${license}" is not a license code`, `Use one of ${KNOWN_LICENSES.join(', ')}`);
  }
  const { key, source } = readKey(props);

  const defaults = envName === 'SANDBOX' ? DEFAULT_ENDPOINTS.SANDBOX : license === 'TBUS' ? DEFAULT_ENDPOINTS.TBUS : DEFAULT_ENDPOINTS.PROD;
  const serverUrl = props.get('server_url') || defaults.serverUrl;
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new ConfigError('server_url', `"${serverUrl}" is not a URL`, 'Write it like https://openapi.tigerfintech.com/gateway');
  }
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError('server_url', 'uses plain http to a host that is not loopback', 'Use https:// for any remote gateway');
  }
  const push = props.get('socket_host_port') ? parseHostPort(props.get('socket_host_port')!, 'socket_host_port') : { ...defaults.push, tls: true };
  if (!push.tls && !isLoopbackHost(push.host)) {
    throw new ConfigError('socket_host_port', 'uses plain tcp to a host that is not loopback', 'Use ssl,host,port for any remote push server');
  }
  // The Python SDK reads env=SANDBOX or env=TEST as its sandbox mode, sandbox key included
  // (tiger_open_config.py); the Java SDK uses the sandbox key for any env but PROD.
  const serverKeyText = props.get('server_public_key') || (envName === 'PROD' ? PROD_SERVER_PUBLIC_KEY : SANDBOX_SERVER_PUBLIC_KEY);
  const serverPublicKey = parsePublicKey(serverKeyText, 'server_public_key');
  let caPem: string | undefined;
  const caFile = props.get('push_ca_file');
  if (caFile) {
    const caPath = resolve(path ? dirname(path) : process.cwd(), caFile);
    if (!existsSync(caPath)) throw new ConfigError('push_ca_file', `${caPath} does not exist`, 'Point it at the PEM certificate of the push server');
    caPem = readFileSync(caPath, 'utf8');
  }

  let token: TbhkToken | undefined;
  let tokenPath = path ? join(dirname(path), TOKEN_FILE_NAME) : undefined;
  if (props.get('token')) {
    token = parseTokenFile(`token=${props.get('token')}`);
    tokenPath = undefined;
  } else if (tokenPath && existsSync(tokenPath)) token = parseTokenFile(readFileSync(tokenPath, 'utf8'));
  else tokenPath = undefined;
  if (token) registerSecret(token.token);
  const refreshText = Number(props.get('token_refresh_duration') || '0');
  // The python SDK raises any non-zero value under 30 s to 30 (tiger_open_config.py token_refresh_duration setter).
  const tokenRefreshSeconds = refreshText > 0 && refreshText < 30 ? 30 : refreshText;
  if (!Number.isInteger(tokenRefreshSeconds) || tokenRefreshSeconds < 0) {
    throw new ConfigError('token_refresh_duration', 'must be a whole number of seconds (0 = never refresh)', 'Use e.g. token_refresh_duration=432000 to refresh a token older than 5 days');
  }

  const pinText = props.get('push_cert_sha256');
  const certSha256 = pinText ? normalizeFingerprint(pinText) : undefined;
  if (pinText && !certSha256) throw new ConfigError('push_cert_sha256', 'is not a SHA-256 fingerprint (64 hex digits, colons allowed)', 'Copy the sha256 that `pounce doctor` prints for the push host, after checking it');
  const insecure = flag(props, 'push_tls_insecure', false);
  const gardenUrl = props.get('domain_garden_url') || DOMAIN_GARDEN_URL;

  const timeoutSec = Number(props.get('timeout') || '15');
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new ConfigError('timeout', 'must be a positive number of seconds', 'Use e.g. timeout=15');

  const deviceOverride = props.get('device_id');
  if (deviceOverride && !/^[\x21-\x7e]{1,128}$/.test(deviceOverride)) {
    throw new ConfigError('device_id', 'must be 1-128 printable characters without spaces', 'Leave it out to send this machine\'s MAC address, or write it like device_id=02:42:ac:11:00:02');
  }
  const deviceId = deviceOverride || detectDeviceId();

  const warnings: string[] = [];
  if (path && process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    warnings.push(`${path} is readable by other users (mode ${(statSync(path).mode & 0o777).toString(8)}); run: chmod 600 ${path}`);
  }
  if (insecure) warnings.push('push_tls_insecure=true: the push server certificate is not verified (prefer push_cert_sha256)');
  if (token && token.expiresAt < Date.now()) warnings.push(`the TBHK token expired at ${new Date(token.expiresAt).toISOString()}; download a new ${TOKEN_FILE_NAME} from the developer portal`);
  if (license !== undefined && !(KNOWN_LICENSES as readonly string[]).includes(license)) {
    warnings.push(`license ${license} is not one the OpenAPI SDKs know (${KNOWN_LICENSES.join(', ')}); copy it from the developer portal, or requests may go to the wrong server`);
  }
  if (license === 'TBHK' && !token) warnings.push(`license TBHK needs ${TOKEN_FILE_NAME} beside the config file; requests will be refused without it`);

  return {
    tigerId, account, accountKind: kind, license, env: envName, privateKey: key, keySource: source,
    secretKey: props.get('secret_key') || undefined, token, serverUrl, serverPublicKey,
    push: { ...push, caPem, certSha256, insecure }, quoteServerUrl: undefined,
    explicitEndpoints: { server: Boolean(props.get('server_url')), push: Boolean(props.get('socket_host_port')) },
    discovery: { enabled: flag(props, 'enable_dynamic_domain', true) && envName !== 'SANDBOX', gardenUrl },
    grabQuotePermission: flag(props, 'grab_quote_permission', true), tokenRefreshSeconds, tokenPath,
    language: props.get('language') || 'en_US', deviceId, timeoutMs: timeoutSec * 1000,
    path, warnings,
  };
}
