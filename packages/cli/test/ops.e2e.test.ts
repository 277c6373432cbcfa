import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import type { Fill } from '@pounce/core';
import { DEFAULT_DATA } from '@pounce/gateway';
import { sendControl } from '../src/commands/ctl.ts';
import { startPounce, waitFor } from './childProcess.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-ops-e2e-'));
  dirs.push(d);
  return d;
};

/**
 * Buys one share on each of its first `n` bars; on bar n+1 sends an order of `tooBig` shares (for
 * the risk check to refuse); throws on bar `throwAfter` (0: never). Then it sits: the counts stay
 * put while the test reads them.
 */
const PLUGIN = `
export default {
  name: 'n-buys', symbols: ['NVDA'],
  params: {
    n: { type: 'integer', default: 3, min: 1 },
    tooBig: { type: 'integer', default: 0, min: 0 },
    throwAfter: { type: 'integer', default: 0, min: 0 },
  },
  setup(ctx) {
    let bars = 0;
    ctx.bars$().subscribe((b) => {
      bars++;
      if (bars <= ctx.params.n) void ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: 1, type: 'market' });
      if (bars === ctx.params.n + 1 && ctx.params.tooBig > 0) void ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: ctx.params.tooBig, type: 'market' });
      if (bars === ctx.params.throwAfter) throw new Error('boom from the test plugin');
    });
  },
};
`;

/**
 * `lines` daily bars of a shipped file from 1999-01-22 (both symbols start together), as a CSV of
 * its own: long enough that the run is still replaying while the test reads it.
 */
function slice(src: string, lines: number, to: string): string {
  const [header, ...rows] = readFileSync(src, 'utf8').trim().split('\n');
  const start = rows.findIndex((r) => r.startsWith('1999-01-22'));
  writeFileSync(to, [header, ...rows.slice(start, start + lines)].join('\n') + '\n');
  return to;
}

interface Received { path: string; body: Record<string, unknown> }

/**
 * A local webhook receiver on 127.0.0.1: keeps every POST's path and JSON body, and answers with
 * `answer`'s status (200 by default), or not at all when it returns `'hang'`.
 */
async function receiver(answer: (body: Record<string, unknown>) => number | 'hang' = () => 200): Promise<{ url: string; got: Received[]; arrived: (n: number) => Promise<void> }> {
  const got: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      got.push({ path: req.url ?? '', body });
      for (const w of waiters.filter((x) => got.length >= x.n)) w.resolve();
      const status = answer(body);
      if (status !== 'hang') res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got,
    arrived: (n) => (got.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

type Entry = { e: string; fill?: Fill; cid?: string };
const journal = (runDir: string): Entry[] => {
  const p = join(runDir, 'journal.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l) as Entry]; } catch { return []; } }) : [];
};
const counts = (entries: Entry[]) => ({
  orders: entries.filter((e) => e.e === 'intent').length,
  fills: new Set(entries.filter((e) => e.e === 'fill').map((e) => e.fill!.id)).size,
  rejected: entries.filter((e) => e.e === 'rejected').length,
});

async function get(url: string, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, text: await res.text() };
}

/** The value of one sample of a parsed family, by its labels. */
function sample(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.find((x) => x.name === name);
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m?.value === undefined ? undefined : Number(m.value);
}

describe('running for weeks: metrics, health, JSON logs, webhooks (real processes, embedded gateway)', () => {
  it('node: /metrics counters equal each journal, /healthz 200, rotated JSON logs, webhooks get every fill, a dead webhook does not stop the run', async () => {
    const dir = tmp();
    const nodeDir = join(dir, 'node');
    writeFileSync(join(dir, 'nbuys.mjs'), PLUGIN);
    const hook = await receiver();
    // A webhook that is down: every request answered 503, so each notification is retried.
    const dead = await receiver(() => 503);
    const config = join(dir, 'pounce.config.json');
    writeFileSync(config, JSON.stringify({
      venue: { mode: 'paper', embedded: true, data: [`NVDA=${slice(DEFAULT_DATA.NVDA!, 2000, join(dir, 'nvda.csv'))}`, `ORCL=${slice(DEFAULT_DATA.ORCL!, 2000, join(dir, 'orcl.csv'))}`] },
      strategies: [
        { tag: 'three', strategy: join(dir, 'nbuys.mjs'), params: { n: 3, tooBig: 500 }, symbols: ['NVDA'], risk: { maxOrderQuantity: 100 } },
        { tag: 'five', strategy: join(dir, 'nbuys.mjs'), params: { n: 5 }, symbols: ['ORCL'] },
      ],
      notify: [
        { url: `${hook.url}/generic`, preset: 'json' },
        { url: `${hook.url}/slack/T000/B000/XXXX`, preset: 'slack' },
        { url: `${hook.url}/bot123456:ABCDEF/sendMessage`, preset: 'telegram', chatId: '-1001234' },
        { url: `${dead.url}/hook`, preset: 'json' },
      ],
    }));
    const tokenFile = join(dir, 'metrics.token');
    const logFile = join(dir, 'logs', 'pounce.log');
    const run = startPounce(['node', '--config', config, '--run-dir', nodeDir, '--speed', '10', '--metrics-port', '0', '--metrics-token-file', tokenFile,
      '--log-format', 'json', '--log-file', logFile, '--log-max-size', '2KB', '--log-keep', '3', '--log-level', 'debug'], children, dir);
    const three = join(nodeDir, 'strategies', 'three');
    const five = join(nodeDir, 'strategies', 'five');
    // Each strategy's trading is over once its fills and its refusal are journaled; the replay goes on.
    await waitFor(() => counts(journal(three)).fills === 3 && counts(journal(three)).rejected === 1 && counts(journal(five)).fills === 5, 120_000, 'every fill and the refusal journaled');
    await waitFor(() => /metrics {4}http:\/\/127\.0\.0\.1:\d+\/metrics/.test(run.out()), 10_000, 'the metrics line');
    const base = /metrics {4}(http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(run.out())![1]!;
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(run.out()).not.toContain(token);

    expect((await get(`${base}/metrics`)).status).toBe(401);
    expect((await get(`${base}/metrics`, 'a'.repeat(token.length))).status).toBe(401);
    expect((await get(`${base}/healthz?token=wrong`)).status).toBe(401);

    const health = await get(`${base}/healthz`, token);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ healthy: true, connected: true, connection: 'connected', halted: {}, reconnects: 0 });
    expect((await get(`${base}/healthz?token=${token}`)).status).toBe(200);

    // The dead webhook's second request is its first retry, counted before it is sent.
    await dead.arrived(2);
    let families: PrometheusFamily[] = [];
    const scrape = async () => {
      const m = await get(`${base}/metrics`, token);
      expect(m.status).toBe(200);
      families = parsePrometheusTextFormat(m.text);
    };
    await scrape();
    expect(sample(families, 'pounce_notifications_retries_total')).toBeGreaterThanOrEqual(1);
    for (const [tag, runDir] of [['three', three], ['five', five]] as const) {
      const c = counts(journal(runDir));
      expect(sample(families, 'pounce_orders_total', { strategy: tag }), tag).toBe(c.orders);
      expect(sample(families, 'pounce_fills_total', { strategy: tag }), tag).toBe(c.fills);
      expect(sample(families, 'pounce_rejections_total', { strategy: tag }), tag).toBe(c.rejected);
      expect(sample(families, 'pounce_halted', { strategy: tag })).toBe(0);
      expect(sample(families, 'pounce_pnl', { strategy: tag })).toEqual(expect.any(Number));
      expect(sample(families, 'pounce_equity', { strategy: tag })).toBeGreaterThan(0);
    }
    expect(counts(journal(three))).toEqual({ orders: 3, fills: 3, rejected: 1 });
    expect(sample(families, 'pounce_connected')).toBe(1);
    expect(sample(families, 'pounce_reconnects_total')).toBe(0);
    expect(sample(families, 'pounce_account_halted')).toBe(0);
    // The client rate limiter: place_order has used tokens of its 120 a minute.
    const place = sample(families, 'pounce_rate_limit_tokens', { bucket: 'place_order' });
    expect(place).toBeGreaterThan(0);
    expect(place).toBeLessThanOrEqual(120);
    // Push lag: every order and fill push observed, on the replay clock.
    const lag = families.find((f) => f.name === 'pounce_push_lag_seconds')!;
    expect(lag.type).toBe('HISTOGRAM');
    expect(Number(lag.metrics[0]!.count)).toBeGreaterThanOrEqual(8);
    expect(sample(families, 'pounce_process_resident_memory_bytes')).toBeGreaterThan(0);

    // An operator stops five and starts it again: metrics, health and notifications follow its new engine.
    expect((await sendControl(nodeDir, { command: 'stop', tag: 'five' })).ok).toBe(true);
    await scrape();
    expect(sample(families, 'pounce_fills_total', { strategy: 'five' }), 'a stopped strategy has no engine to read').toBeUndefined();
    expect(sample(families, 'pounce_fills_total', { strategy: 'three' })).toBe(3);
    expect((await sendControl(nodeDir, { command: 'start', tag: 'five' })).ok).toBe(true);
    // Its plugin counts bars from its new start: five more buys.
    await waitFor(() => counts(journal(five)).fills === 10, 120_000, 'five more fills after the start');
    await scrape();
    expect(sample(families, 'pounce_fills_total', { strategy: 'five' }), 'the new engine counts from its start').toBe(5);

    run.proc.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('summary');

    // Every journaled fill reached the generic webhook once, under its strategy's tag.
    for (const [tag, runDir] of [['three', three], ['five', five]] as const) {
      const journaled = journal(runDir).filter((e) => e.e === 'fill').map((e) => e.fill!);
      const posted = hook.got.filter((g) => g.path === '/generic' && g.body.kind === 'fill' && g.body.strategy === tag).map((g) => g.body.details as Record<string, unknown>);
      expect(posted.map((d) => d.fillId).sort(), tag).toEqual(journaled.map((f) => f.id).sort());
      for (const f of journaled) expect(posted.find((d) => d.fillId === f.id)).toMatchObject({ orderId: f.orderId, symbol: f.symbol, side: f.action, quantity: f.quantity, price: f.price });
    }
    // The presets' body shapes, with the local receiver standing in for Slack's and Telegram's URLs.
    const slack = hook.got.filter((g) => g.path.startsWith('/slack/'));
    const telegram = hook.got.filter((g) => g.path === '/bot123456:ABCDEF/sendMessage');
    expect(slack.length).toBe(13);
    expect(telegram.length).toBe(13);
    for (const s of slack) expect(Object.keys(s.body)).toEqual(['text']);
    for (const t of telegram) expect(Object.keys(t.body).sort()).toEqual(['chat_id', 'text']);
    expect(telegram.every((t) => t.body.chat_id === '-1001234')).toBe(true);
    expect(slack.map((s) => s.body.text)).toContain(telegram[0]!.body.text);
    expect(String(slack[0]!.body.text)).toMatch(/^\[pounce (three|five)\] BUY 1 (NVDA|ORCL) @ \d/);

    // JSON logs: at most --log-keep files, each within --log-max-size, every line one JSON object; no webhook URL in them.
    const logs = readdirSync(join(dir, 'logs')).sort();
    expect(logs.length).toBeGreaterThanOrEqual(2);
    expect(logs.length).toBeLessThanOrEqual(3);
    for (const name of logs) {
      const p = join(dir, 'logs', name);
      expect(statSync(p).size).toBeLessThanOrEqual(2048);
      const text = readFileSync(p, 'utf8');
      expect(text).not.toContain('ABCDEF');
      expect(text).not.toContain('B000/XXXX');
      for (const line of text.trimEnd().split('\n')) expect(JSON.parse(line)).toMatchObject({ time: expect.any(String), level: expect.stringMatching(/^(debug|info|warn|error)$/), msg: expect.any(String) });
    }
  }, 240_000);

  it('strategy: /healthz turns 503 when the strategy halts, /metrics on the dashboard port equals the journal, the error and the halt are posted', async () => {
    const dir = tmp();
    const runDir = join(dir, 'run');
    writeFileSync(join(dir, 'nbuys.mjs'), PLUGIN);
    const hook = await receiver();
    // Never answers the error notification: its request is still out when the run stops.
    const hanging = await receiver((body) => (body.kind === 'error' ? 'hang' : 200));
    const run = startPounce(['strategy', join(dir, 'nbuys.mjs'), '--embedded', '--data', `NVDA=${slice(DEFAULT_DATA.NVDA!, 2000, join(dir, 'nvda.csv'))}`, '--speed', '10',
      '--param', 'n=2', '--param', 'throwAfter=4', '--run-dir', runDir, '--dashboard', '--notify', `json=${hook.url}/generic`, '--notify', `json=${hanging.url}/hang`,
      '--log-file', join(dir, 'strategy.log')], children, dir);
    await waitFor(() => journal(runDir).some((e) => e.e === 'strategy-error'), 120_000, 'the strategy error journaled');
    await waitFor(() => /dashboard {2}http:\/\/127\.0\.0\.1:\d+\/\?token=\w+/.test(run.out()), 10_000, 'the dashboard line');
    const [, base, token] = /dashboard {2}(http:\/\/127\.0\.0\.1:\d+)\/\?token=(\w+)/.exec(run.out())!;
    expect(run.out()).toContain(`metrics    ${base!}/metrics and /healthz`);

    const health = await get(`${base!}/healthz?token=${token!}`);
    expect(health.status).toBe(503);
    const body = JSON.parse(health.text) as { healthy: boolean; connected: boolean; halted: Record<string, string> };
    expect(body).toMatchObject({ healthy: false, connected: true });
    expect(body.halted['n-buys']).toMatch(/strategy error in .*boom from the test plugin/);
    expect((await get(`${base!}/metrics`)).status).toBe(401);
    const m = await get(`${base!}/metrics`, token);
    expect(m.status).toBe(200);
    const families = parsePrometheusTextFormat(m.text);
    const c = counts(journal(runDir));
    expect(c).toEqual({ orders: 2, fills: 2, rejected: 0 });
    expect(sample(families, 'pounce_orders_total', { strategy: 'n-buys' })).toBe(c.orders);
    expect(sample(families, 'pounce_fills_total', { strategy: 'n-buys' })).toBe(c.fills);
    expect(sample(families, 'pounce_strategy_errors_total', { strategy: 'n-buys' })).toBe(1);
    expect(sample(families, 'pounce_halted', { strategy: 'n-buys' })).toBe(1);
    // The page itself is still served at / with the same token.
    expect((await get(`${base!}/?token=${token!}`)).text).toContain('<html');

    await waitFor(() => hanging.got.some((g) => g.body.kind === 'error'), 60_000, 'the error notification out to the webhook that hangs');
    run.proc.kill('SIGINT');
    // A clean stop exits 0 though a webhook never answered (its request is aborted after the close grace, not left to time out into a closed log file).
    expect(await run.exited).toBe(0);
    expect(readFileSync(join(dir, 'strategy.log'), 'utf8')).toMatch(/json webhook #2: \d+ notification\(s\) not sent before the close/);
    const kinds = hook.got.map((g) => g.body.kind);
    expect(kinds.filter((k) => k === 'fill')).toHaveLength(2);
    const error = hook.got.find((g) => g.body.kind === 'error')!;
    expect(error.body).toMatchObject({ strategy: 'n-buys', text: expect.stringMatching(/strategy error in .*boom from the test plugin/) });
    const halt = hook.got.find((g) => g.body.kind === 'halt')!;
    expect(halt.body).toMatchObject({ strategy: 'n-buys', text: expect.stringMatching(/^halted: strategy error in .*boom/), details: { scope: 'strategy' } });
  }, 240_000);

  it('a busy --metrics-port or a bad ops flag stops the start before the venue: non-zero exit, the flag named, no run folder', async () => {
    const dir = tmp();
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    const readableToken = join(dir, 'readable.token');
    writeFileSync(readableToken, 'abcdefghijklmnop0123456789\n');
    chmodSync(readableToken, 0o644);
    const cases: Array<[string[], RegExp]> = [
      [['--metrics-port', String(port)], new RegExp(`--metrics-port ${port}: 127\\.0\\.0\\.1:${port} is already in use`)],
      [['--log-keep', '3'], /--log-max-size and --log-keep go with --log-file/],
      [['--log-file', join(dir, 'x.log'), '--log-max-size', '12'], /--log-max-size: expected a size of at least 1KB/],
      [['--notify', 'discord=http://127.0.0.1:1/x'], /--notify #1\.preset: expected one of json, slack, telegram, got "discord"/],
      [['--notify', 'telegram=http://127.0.0.1:1/bot1:SECRET/sendMessage'], /--notify #1: the telegram preset needs --telegram-chat-id ID/],
      // A token others may read is no secret: refused as ctl refuses its own, the fix named.
      [['--metrics-port', '0', '--metrics-token-file', readableToken], new RegExp(`--metrics-token-file ${readableToken} has mode 644: others may use it, refused \\(expected 600: chmod 600 ${readableToken}\\)`)],
    ];
    for (const [flags, message] of cases) {
      const runDir = join(dir, 'run');
      const p = startPounce(['strategy', 'sma-cross', '--embedded', '--run-dir', runDir, ...flags], children, dir);
      expect(await p.exited, flags.join(' ')).not.toBe(0);
      expect(p.out()).toMatch(message);
      expect(p.out()).not.toContain('SECRET');
      expect(existsSync(runDir), flags.join(' ')).toBe(false);
    }
  }, 240_000);
});
