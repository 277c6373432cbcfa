import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BizParamError, createLogger, discoverServers, loadConfig, OpenApiClient, parsePosition, PushClient, PushQuotaError, PushTlsError, QuotePermissionError,
  routesFrom, TokenError, TokenExpiredError, type Bar, type Order, type OpenApiConfig,
} from '@pounce/core';
import type { Gateway } from '../src/index.ts';
import { PERMISSION_DENIED } from '../src/session/QuotePermissionDesk.ts';
import { clientsFor, first, SAMPLE_CONFIG, startTestGateway, tick, until } from './testGateway.ts';

// The client against gateway modes built from the official SDKs' behaviour; each describe names
// the SDK source its expectations come from.
let gw: Gateway;
let lines: string[];
let dirs: string[];
const logger = () => createLogger({ level: 'info', write: (l) => lines.push(l) });
const one = { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

beforeEach(async () => {
  gw = await startTestGateway();
  gw.advance(40);
  lines = [];
  dirs = [];
});
afterEach(async () => {
  await gw.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The gateway's client config rewritten into a temp folder: `drop` keys removed, `add` lines appended. */
function configWith(drop: string[], add: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-sdk2-'));
  dirs.push(dir);
  const lines = readFileSync(gw.clientConfigPath, 'utf8').split('\n').filter((l) => !drop.some((k) => l.startsWith(`${k}=`)));
  lines.push(`push_ca_file=${join(dirname(gw.clientConfigPath), 'tls-cert.pem')}`);
  for (const [k, v] of Object.entries(add)) lines.push(`${k}=${v}`);
  const path = join(dir, 'tiger_openapi_config.properties');
  writeFileSync(path, lines.filter((l) => !l.startsWith('push_ca_file=tls')).join('\n'), { mode: 0o600 });
  return path;
}

describe('quote permission (python quote_client.py __init__ is_grab_permission / grab_quote_permission, java TigerHttpClient.java isAutoGrabPermission, java QuotePermission.java)', () => {
  it('held by another device: quotes refused with the holder and the fix; grabbing takes it; the other device grabbing back refuses again', async () => {
    const c = clientsFor(gw, { device_id: 'aa:bb:cc:dd:ee:01' });
    gw.permissions.giveTo(c.cfg.tigerId, 'tiger-app');
    const err = await c.api.quoteRealTime(['AAA']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotePermissionError);
    expect(err).toMatchObject({ code: PERMISSION_DENIED.code, serverMessage: PERMISSION_DENIED.message });
    expect((err as Error).message).toMatch(/another device holds.*this device: aa:bb:cc:dd:ee:01.*Fix: let Pounce take it at start-up/);
    expect(await c.api.quotePermissions()).toEqual([]);
    // get_quote_permission only reads: still refused.
    await expect(c.api.kline('AAA', { period: '1min' })).rejects.toBeInstanceOf(QuotePermissionError);
    expect(await c.api.grabQuotePermission()).toEqual([{ name: 'usQuoteBasic', expireAt: -1 }, { name: 'usStockQuoteLv2Totalview', expireAt: -1 }]);
    expect(gw.permissions.holder(c.cfg.tigerId)).toBe('aa:bb:cc:dd:ee:01');
    expect((await c.api.quoteRealTime(['AAA']))[0]!.symbol).toBe('AAA');
    expect((await c.api.quotePermissions()).map((p) => p.name)).toEqual(['usQuoteBasic', 'usStockQuoteLv2Totalview']);
    gw.permissions.giveTo(c.cfg.tigerId, 'tiger-app');
    await expect(c.api.quoteDepth(['AAA'])).rejects.toBeInstanceOf(QuotePermissionError);
    // Trading never needs the quote permission.
    await expect(c.api.positions()).resolves.toBeDefined();
  });
});

describe('TBHK token (python tiger_open_client.py query_token/refresh_token, tiger_open_config.py should_token_refresh/store_token; java TigerApiCode 2400)', () => {
  const DAY = 24 * 3600_000;
  function tokenClient(token: string, refreshSeconds: number): { cfg: OpenApiConfig; api: OpenApiClient; tokenFile: string } {
    const path = configWith([], { token_refresh_duration: String(refreshSeconds) });
    const tokenFile = join(dirname(path), 'tiger_openapi_token.properties');
    writeFileSync(tokenFile, `token=${token}\n`);
    const cfg = loadConfig({ path, env: {} });
    return { cfg, api: OpenApiClient.fromConfig(cfg, { ...one, logger: logger() }), tokenFile };
  }

  it('an expired token: the request is not sent and the error says when it expired and the fix', async () => {
    gw.tokens.required = true;
    const now = Date.now();
    const { api, cfg } = tokenClient(gw.tokens.issue(now - 40 * DAY, now - DAY), 0);
    expect(cfg.warnings.join('\n')).toMatch(/TBHK token expired at/);
    const before = gw.requests.length;
    const err = await api.positions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenExpiredError);
    expect((err as Error).message).toMatch(/expired at .*Fix: download a new tiger_openapi_token.properties/);
    expect(gw.requests.length).toBe(before);
  });

  it('a token the service refuses (code 2400) says so and names the fix', async () => {
    gw.tokens.required = true;
    const { api } = tokenClient(Buffer.from(`${Date.now()},${Date.now() + DAY},x`).toString('base64'), 0);
    const err = await api.positions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ code: 2400 });
    expect((err as Error).message).toMatch(/user token error.*TBHK token was refused.*Fix/);
  });

  it('refreshes with user_token_refresh once older than token_refresh_duration, rewrites the file, and the new token works', async () => {
    gw.tokens.required = true;
    const now = Date.now();
    const old = gw.tokens.issue(now - 6 * DAY, now + 20 * DAY);
    const { api, tokenFile } = tokenClient(old, 5 * 24 * 3600);
    expect(await api.refreshTokenIfDue()).toBe(true);
    const written = readFileSync(tokenFile, 'utf8');
    expect(written).toMatch(/^token=/);
    expect(written).not.toContain(old);
    expect(api.token!.current!.createdAt).toBeGreaterThanOrEqual(now - 1000);
    expect(await api.refreshTokenIfDue()).toBe(false);
    expect(gw.requests.filter((r) => r.method === 'user_token_refresh')).toHaveLength(1);
    await expect(api.positions()).resolves.toBeDefined();
  });

  it('token_refresh_duration=0 (the SDK default) never refreshes', async () => {
    gw.tokens.required = true;
    const now = Date.now();
    const { api } = tokenClient(gw.tokens.issue(now - 6 * DAY, now + 20 * DAY), 0);
    expect(await api.refreshTokenIfDue()).toBe(false);
  });
});

describe('routing (python tests/test_client_config.py TestRefreshServerInfo, tiger_open_config.py query_domains/_get_domain_by_type, java NetworkUtil.java)', () => {
  // The python SDK's own fixture, verbatim.
  const domainMap = {
    socket_port: 9883, port: 9887,
    'TBSG-QUOTE': 'https://openapi.tigerfintech.com/sgp-quote', 'TBNZ-QUOTE': 'https://openapi.tigerfintech.com/hkg-quote',
    'TBSG-PAPER': 'https://openapi-sandbox.tigerfintech.com/sgp', 'TBNZ-PAPER': 'https://openapi-sandbox.tigerfintech.com/hkg',
    TBSG: 'https://openapi.tigerfintech.com/sgp', TBNZ: 'https://openapi.tigerfintech.com/hkg', COMMON: 'https://openapi.tigerfintech.com',
  };
  it('routes as the python test expects', () => {
    expect(routesFrom(domainMap, undefined, false)).toEqual({ tradeUrl: 'https://openapi.tigerfintech.com/gateway', quoteUrl: 'https://openapi.tigerfintech.com/gateway', push: { host: 'openapi.tigerfintech.com', port: 9883 } });
    expect(routesFrom(domainMap, 'TBNZ', false)).toMatchObject({ tradeUrl: 'https://openapi.tigerfintech.com/hkg/gateway', quoteUrl: 'https://openapi.tigerfintech.com/hkg-quote/gateway' });
    expect(routesFrom(domainMap, 'TBSG', false)).toMatchObject({ tradeUrl: 'https://openapi.tigerfintech.com/sgp/gateway', quoteUrl: 'https://openapi.tigerfintech.com/sgp-quote/gateway' });
    expect(routesFrom(domainMap, 'TBNZ', true)).toMatchObject({ tradeUrl: 'https://openapi-sandbox.tigerfintech.com/hkg/gateway', quoteUrl: 'https://openapi.tigerfintech.com/hkg-quote/gateway' });
    expect(routesFrom(domainMap, 'TBNZ', true).push).toEqual({ host: 'openapi.tigerfintech.com', port: 9883 });
  });

  const discoverCfg = (add: Record<string, string>) =>
    loadConfig({ path: configWith(['server_url', 'socket_host_port', 'license'], { domain_garden_url: `http://127.0.0.1:${gw.httpPort}/garden`, ...add }), env: {} });

  it('license in the config: trade to {LICENSE}-PAPER for a paper account, quotes to {LICENSE}-QUOTE, push to COMMON; the answer is cached', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pounce-routes-'));
    dirs.push(cacheDir);
    const { cfg, routing } = await discoverServers(discoverCfg({ license: 'TBSG' }), { cacheDir });
    expect(routing).toMatchObject({ license: 'TBSG', licenseFrom: 'config', serversFrom: 'garden' });
    const api = OpenApiClient.fromConfig(cfg, one);
    await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 1 });
    await api.quoteRealTime(['AAA']);
    expect(gw.requests.slice(-2)).toEqual([{ path: '/sgp-paper/gateway', method: 'place_order' }, { path: '/sgp-quote/gateway', method: 'quote_real_time' }]);
    const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem });
    await push.connect();
    expect(cfg.push).toMatchObject({ host: '127.0.0.1', port: gw.pushPort, tls: true });
    await push.close();
    expect(readFileSync(routing.cacheFile, 'utf8')).toContain('/sgp-quote');
  });

  it('no license in the config: asks user_license, then routes by its answer; a TBUS answer asks the garden with ?appName=tradeup', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pounce-routes-'));
    dirs.push(cacheDir);
    gw.faults.license = 'TBNZ';
    const a = await discoverServers(discoverCfg({}), { cacheDir });
    expect(a.routing).toMatchObject({ license: 'TBNZ', licenseFrom: 'server', serversFrom: 'garden' });
    expect(a.cfg.serverUrl).toBe(`http://127.0.0.1:${gw.httpPort}/hkg-paper/gateway`);
    expect(gw.requests.at(-1)).toEqual({ path: '/gateway', method: 'user_license' });
    gw.faults.license = 'TBUS';
    const b = await discoverServers(discoverCfg({}), { cacheDir });
    expect(b.routing.license).toBe('TBUS');
    expect(b.cfg.quoteServerUrl).toBe(`http://127.0.0.1:${gw.httpPort}/us-quote/gateway`);
  });

  it('garden down: its cached answer, else the static URLs (as every SDK falls back); server_url in the config always wins', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pounce-routes-'));
    dirs.push(cacheDir);
    await discoverServers(discoverCfg({ license: 'TBSG' }), { cacheDir });
    gw.faults.discovery = 'down';
    const cached = await discoverServers(discoverCfg({ license: 'TBSG' }), { cacheDir });
    expect(cached.routing.serversFrom).toBe('cache');
    expect(cached.cfg.serverUrl).toBe(`http://127.0.0.1:${gw.httpPort}/sgp-paper/gateway`);
    const empty = mkdtempSync(join(tmpdir(), 'pounce-routes-'));
    dirs.push(empty);
    const fallback = await discoverServers(discoverCfg({ license: 'TBSG' }), { cacheDir: empty });
    expect(fallback.routing).toMatchObject({ serversFrom: 'static' });
    expect(fallback.routing.note).toMatch(/did not answer.*static URLs/);
    expect(fallback.cfg.serverUrl).toBe('https://openapi.tigerfintech.com/gateway');
    const kept = await discoverServers(loadConfig({ path: gw.clientConfigPath, env: {} }), { cacheDir: empty });
    expect(kept.cfg.serverUrl).toBe(gw.httpUrl);
    expect(kept.routing.serversFrom).toBe('config');
  });
});

describe('push TLS (python transport.py CERT_NONE, java InsecureTrustManagerFactory, go push_client.go strict-then-insecure: Pounce stays strict with a pin or an explicit insecure mode)', () => {
  const base = () => {
    const cfg = loadConfig({ path: gw.clientConfigPath, env: {} });
    return { cfg, opts: { tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, reconnect: { initialMs: 20, maxMs: 100 } } };
  };
  it('an unverifiable certificate: the error names the host, the certificate names and the fixes', async () => {
    const { opts, cfg } = base();
    const push = new PushClient(opts);
    const err = await push.connect().catch((e: unknown) => e);
    await push.close();
    expect(err).toBeInstanceOf(PushTlsError);
    const fp = new X509Certificate(cfg.push.caPem!).fingerprint256;
    expect((err as PushTlsError).certificate?.sha256).toBe(fp);
    expect((err as Error).message).toContain(`push TLS to 127.0.0.1:${gw.pushPort} refused`);
    expect((err as Error).message).toMatch(/subject ".*CN=.*", names \[.*IP Address:127\.0\.0\.1.*\].*push_cert_sha256.*push_ca_file.*push_tls_insecure/);
  });

  it('a pinned fingerprint connects; a wrong pin is refused', async () => {
    const { opts, cfg } = base();
    const fp = new X509Certificate(cfg.push.caPem!).fingerprint256;
    const pinned = new PushClient({ ...opts, certSha256: fp.replace(/:/g, '').toLowerCase() });
    await pinned.connect();
    expect(pinned.connection$.value.state).toBe('connected');
    await pinned.close();
    const wrong = new PushClient({ ...opts, certSha256: 'AB'.repeat(32) });
    const err = await wrong.connect().catch((e: unknown) => e);
    await wrong.close();
    expect(err).toBeInstanceOf(PushTlsError);
    expect((err as Error).message).toMatch(/not the pinned push_cert_sha256/);
  });

  it('insecure mode connects and warns on every connect', async () => {
    const { opts } = base();
    const push = new PushClient({ ...opts, insecure: true, logger: logger() });
    await push.connect();
    gw.dropPushConnections();
    await until(() => push.connection$.value.sessions === 2 && push.connection$.value.state === 'connected');
    await push.close();
    expect(lines.filter((l) => l.includes('NOT verified'))).toHaveLength(2);
  });
});

describe('subscription quota (python protobuf_push_client.py query_subscribed_quote, SEND answered with 111)', () => {
  it('a subscription beyond the limit is refused before sending, with what is in use and the fix', async () => {
    gw.faults.quoteLimit = 1;
    const c = clientsFor(gw);
    await c.push.connect();
    const listing = await c.push.subscriptionListing();
    expect(listing.limit('limit')).toBe(1);
    const got: Bar[] = [];
    c.push.bars$(['AAA']).subscribe((b) => got.push(b));
    while (!(await c.push.subscriptionListing()).symbols('subscribedKlineSymbols').includes('AAA')) await tick(10);
    const errs: Error[] = [];
    c.push.bars$(['AAA', 'BBB']).subscribe({ error: (e: Error) => errs.push(e) });
    await until(() => errs.length === 1);
    expect(errs[0]).toBeInstanceOf(PushQuotaError);
    expect(errs[0]!.message).toMatch(/kline subscription of 1 symbol\(s\) \(BBB\) refused before sending: 1 of your 1 kline subscriptions are in use \(AAA\)\. Fix: unsubscribe/);
    gw.advance(1);
    await until(() => got.length > 0);
    expect([...(c.push.subscriptions().get(12)?.keys() ?? [])]).toEqual(['AAA']);
    await c.push.close();
  });

  it('a refusal by the server is explained with the listing', async () => {
    gw.faults.quoteLimit = 1;
    const cfg = loadConfig({ path: gw.clientConfigPath, env: {} });
    const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem, checkQuota: false });
    await push.connect();
    const errs: Error[] = [];
    push.quotes$(['AAA', 'BBB']).subscribe({ error: (e: Error) => errs.push(e) });
    await until(() => errs.length === 1);
    expect(errs[0]).toBeInstanceOf(PushQuotaError);
    expect(errs[0]!.message).toMatch(/refused the quote subscription of AAA, BBB: "According to your user level, you can only subscribe to 1 symbols" \(0 of 1 quote subscriptions in use\)/);
    await push.close();
  });
});

describe('push data with a code (python protobuf_push_client.py on_message: codes other than 111/112/113/200 are data)', () => {
  it('bars and order pushes carrying a code are delivered', async () => {
    gw.faults.pushDataCode = 7;
    const c = clientsFor(gw);
    await c.push.connect();
    const bar = first(c.push.bars$(['AAA']), () => true);
    const filled = first(c.push.orders$(), (o: Order) => o.status === 'Filled');
    await tick(50);
    await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 10 });
    gw.advance(1);
    expect((await bar).symbol).toBe('AAA');
    expect((await filled).filledQuantity).toBe(10);
    await c.push.close();
  });
});

describe('quantity scales (python trade_client.py positions example: position 773, position_scale 5 = 0.00773; orders_response.py totalQuantityScale)', () => {
  it('the python example parses to 0.00773 shares', () => {
    expect(parsePosition({ account: '123123', symbol: 'NVDA', position: 773, positionScale: 5, averageCost: 129.45 }).quantity).toBe(0.00773);
  });
  it('scaled REST replies and pushes read as the same quantities as plain ones', async () => {
    gw.faults.quantityScale = 4;
    const c = clientsFor(gw);
    await c.push.connect();
    const filled = first(c.push.orders$(), (o: Order) => o.status === 'Filled');
    const pos = first(c.push.positions$(), () => true);
    await tick(50);
    const placed = await c.api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 30 });
    gw.advance(1);
    expect((await filled).totalQuantity).toBe(30);
    expect((await pos).quantity).toBe(30);
    expect((await c.api.order(placed.id)).filledQuantity).toBe(30);
    expect((await c.api.positions()).find((p) => p.symbol === 'AAA')!.quantity).toBe(30);
    expect((await c.api.orderTransactions({ orderId: placed.id }))[0]!.quantity).toBe(30);
    await c.push.close();
  });
});

describe('account ownership (audit 8.4: the service answers for an account only to its tiger_id)', () => {
  it('another tiger_id cannot query or trade the gateway account', async () => {
    const own = clientsFor(gw);
    await expect(own.api.positions()).resolves.toBeDefined();
    const serverKey = /server_public_key=(.*)/.exec(readFileSync(gw.clientConfigPath, 'utf8'))![1]!;
    const other = loadConfig({ path: SAMPLE_CONFIG, env: {}, overrides: { server_url: gw.httpUrl, server_public_key: serverKey, account: gw.account, license: 'TBUS' } });
    const api = OpenApiClient.fromConfig(other, one);
    const err = await api.positions().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BizParamError);
    expect((err as Error).message).toMatch(new RegExp(`account ${gw.account} does not belong to tiger_id ${other.tigerId}`));
    await expect(api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'MKT', quantity: 1 })).rejects.toBeInstanceOf(BizParamError);
    expect(gw.engine.ordersOf(gw.account)).toHaveLength(0);
  });
});
