import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@pounce/core';
import { parseWebhookTarget, WebhookNotifier, type Notification } from '../src/index.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A local receiver whose answer the test decides per request. */
async function receiver(answer: (n: number, req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ url: string; bodies: string[]; arrived: (n: number) => Promise<void> }> {
  const bodies: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      bodies.push(text);
      for (const w of waiters.filter((x) => bodies.length >= x.n)) w.resolve();
      answer(bodies.length, req, res, text);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies,
    arrived: (n) => (bodies.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

const note = (k: number): Notification => ({ kind: 'fill', time: '2026-11-27T00:00:00.000Z', strategy: 'fast', text: `fill ${k}`, details: { fillId: String(k) } });

describe('WebhookNotifier', () => {
  it('retries a 5xx with backoff and delivers; counts the retries', async () => {
    const r = await receiver((n, _q, res) => res.writeHead(n < 3 ? 503 : 200).end());
    const notifier = new WebhookNotifier({ targets: [{ url: r.url, preset: 'json' }], backoffMs: 5 });
    notifier.notify(note(1));
    await r.arrived(3);
    await notifier.close();
    expect(r.bodies.map((b) => JSON.parse(b) as Notification)).toEqual([note(1), note(1), note(1)]);
    expect(notifier.stats).toEqual({ sent: 1, failed: 0, dropped: 0, retries: 2 });
  });

  it('does not retry a 4xx other than 429', async () => {
    const r = await receiver((_n, _q, res) => res.writeHead(400).end());
    const notifier = new WebhookNotifier({ targets: [{ url: r.url, preset: 'json' }], backoffMs: 5 });
    notifier.notify(note(1));
    notifier.notify(note(2));
    await r.arrived(2);
    await notifier.close();
    expect(r.bodies).toHaveLength(2);
    expect(notifier.stats).toEqual({ sent: 0, failed: 2, dropped: 0, retries: 0 });
  });

  it('never waits for a webhook that hangs: notify returns at once, the queue is bounded and drops are counted; another webhook still gets everything', async () => {
    const hanging = await receiver(() => undefined); // never answers
    const ok = await receiver((_n, _q, res) => res.writeHead(200).end());
    const notifier = new WebhookNotifier({ targets: [{ url: hanging.url, preset: 'json' }, { url: ok.url, preset: 'json' }], maxQueue: 10, timeoutMs: 60_000 });
    for (let k = 0; k < 100; k++) notifier.notify(note(k));
    // Nothing was awaited: each webhook has one request out and 10 waiting; 89 were dropped from each queue.
    expect(notifier.stats.dropped).toBe(89 + 89);
    await hanging.arrived(1);
    await ok.arrived(11);
    // The other webhook's own queue was bounded too, but it drains: the first and the 10 newest.
    expect(ok.bodies.map((b) => (JSON.parse(b) as Notification).text)).toEqual(['fill 0', ...Array.from({ length: 10 }, (_, k) => `fill ${90 + k}`)]);
    await notifier.close(50);
    // At close the hanging one's request and its 10 waiting were dropped too.
    expect(notifier.stats.dropped).toBe(89 + 89 + 11);
    expect(notifier.stats.sent).toBe(11);
    expect(hanging.bodies).toHaveLength(1);
  });

  it('by default keeps 1000 waiting per webhook and makes 5 attempts (docs/operations.md)', async () => {
    const hanging = await receiver(() => undefined);
    const queued = new WebhookNotifier({ targets: [{ url: hanging.url, preset: 'json' }], timeoutMs: 60_000 });
    for (let k = 0; k < 1100; k++) queued.notify(note(k));
    // One request out, 1000 waiting: the other 99 were dropped.
    expect(queued.stats.dropped).toBe(99);
    await hanging.arrived(1);
    await queued.close(20);
    const failing = await receiver((_n, _q, res) => res.writeHead(503).end());
    const retried = new WebhookNotifier({ targets: [{ url: failing.url, preset: 'json' }], backoffMs: 1 });
    retried.notify(note(1));
    await failing.arrived(5);
    await retried.close(5_000);
    expect(failing.bodies).toHaveLength(5);
    expect(retried.stats).toEqual({ sent: 0, failed: 1, dropped: 0, retries: 4 });
  });

  it('by default waits 1 s then 2 s between attempts, gives a request 10 s, and a close 5 s of grace (docs/operations.md)', async () => {
    // Three notifiers at once on their defaults, so the test lasts about as long as the 10 s limit.
    // A loaded machine may be late, never early: lower bounds exact, upper bounds with room (a
    // default of 5 s backoff, a 30 s limit or grace would still fail them).
    const times: number[] = [];
    const flaky = await receiver((n, _q, res) => {
      times.push(performance.now());
      res.writeHead(n < 3 ? 503 : 200).end();
    });
    const retried = new WebhookNotifier({ targets: [{ url: flaky.url, preset: 'json' }] });
    const hanging = await receiver(() => undefined);
    const lines: string[] = [];
    const limited = new WebhookNotifier({ targets: [{ url: hanging.url, preset: 'json' }], attempts: 1, logger: createLogger({ write: (l) => lines.push(l), level: 'debug' }) });
    const graced = new WebhookNotifier({ targets: [{ url: hanging.url, preset: 'json' }] });
    const t0 = performance.now();
    retried.notify(note(1));
    limited.notify(note(2));
    graced.notify(note(3));
    await hanging.arrived(2);
    const closeAt = performance.now();
    const closing = graced.close().then(() => performance.now() - closeAt);
    await flaky.arrived(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
    expect(times[1]! - times[0]!).toBeLessThan(3000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1990);
    expect(times[2]! - times[1]!).toBeLessThan(6000);
    await retried.close();
    expect(retried.stats).toEqual({ sent: 1, failed: 0, dropped: 0, retries: 2 });
    // The close grace ended before the 10 s limit: the request was cut off (dropped), not timed out (failed).
    const grace = await closing;
    expect(grace).toBeGreaterThanOrEqual(4990);
    expect(grace).toBeLessThan(9000);
    expect(graced.stats).toEqual({ sent: 0, failed: 0, dropped: 1, retries: 0 });
    while (limited.stats.failed === 0) await new Promise((r) => setTimeout(r, 50));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(9990);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(lines.join('\n')).toContain('timed out');
    await limited.close();
  }, 60_000);

  it('aborts a request still out when the close grace ends: nothing of it (a timeout, a log line) outlives close', async () => {
    let connectionClosed!: Promise<void>;
    const hanging = await receiver((_n, req) => {
      connectionClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    });
    const lines: string[] = [];
    const notifier = new WebhookNotifier({ targets: [{ url: hanging.url, preset: 'json' }], timeoutMs: 60_000, logger: createLogger({ write: (l) => lines.push(l), level: 'debug' }) });
    notifier.notify(note(1));
    notifier.notify(note(2));
    await hanging.arrived(1);
    await notifier.close(20);
    const linesAtClose = lines.length;
    // The request was cut by the notifier, not left to its 60 s time limit.
    let late: NodeJS.Timeout | undefined;
    await Promise.race([connectionClosed, new Promise((_, reject) => (late = setTimeout(() => reject(new Error('the request was still out 3 s after close')), 3000)))]);
    clearTimeout(late);
    expect(notifier.stats).toEqual({ sent: 0, failed: 0, dropped: 2, retries: 0 });
    expect(lines.join('\n')).toContain('json webhook #1: 2 notification(s) not sent before the close');
    expect(lines).toHaveLength(linesAtClose);
  });

  it('gives up after its attempts on a dead URL, and logs no URL (it carries the bot token)', async () => {
    const dead = await receiver(() => undefined);
    const url = `${dead.url.replace('/hook', '')}/bot999:SECRETTOKEN/sendMessage`;
    servers.splice(0).forEach((s) => s.close());
    const lines: string[] = [];
    const notifier = new WebhookNotifier({ targets: [{ url, preset: 'telegram', chatId: '1' }], attempts: 3, backoffMs: 1, logger: createLogger({ write: (l) => lines.push(l), level: 'debug' }) });
    notifier.notify(note(1));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (notifier.stats.failed === 1) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(notifier.stats).toMatchObject({ failed: 1, retries: 2, sent: 0 });
    expect(lines.join('\n')).toContain('telegram webhook #1 failed; notification given up');
    expect(lines.join('\n')).not.toContain('SECRETTOKEN');
    await notifier.close();
  });

  it('posts each preset\'s body: json the notification, slack { text }, telegram { chat_id, text }', async () => {
    const r = await receiver((_n, _q, res) => res.writeHead(200).end());
    const notifier = new WebhookNotifier({ targets: [
      parseWebhookTarget({ url: r.url, preset: 'json' }, 'a'),
      parseWebhookTarget({ url: r.url, preset: 'slack' }, 'b'),
      parseWebhookTarget({ url: r.url, preset: 'telegram', chatId: -100123 }, 'c'),
    ] });
    notifier.notify({ kind: 'halt', time: '2026-11-27T00:00:00.000Z', strategy: 'fast', text: 'halted: daily loss' });
    await r.arrived(3);
    await notifier.close();
    expect(r.bodies.map((b) => JSON.parse(b) as unknown)).toEqual(expect.arrayContaining([
      { kind: 'halt', time: '2026-11-27T00:00:00.000Z', strategy: 'fast', text: 'halted: daily loss' },
      { text: '[pounce fast] halted: daily loss' },
      { chat_id: '-100123', text: '[pounce fast] halted: daily loss' },
    ]));
  });

  it('refuses a bad webhook, naming the field, without echoing the URL', () => {
    expect(() => parseWebhookTarget({ url: 'https://api.telegram.org/botX/sendMessage', preset: 'telegram' }, 'notify[0]')).toThrow(/^notify\[0\]\.chatId: the telegram preset needs/);
    expect(() => parseWebhookTarget({ url: 'https://x', preset: 'discord' }, 'notify[1]')).toThrow('notify[1].preset: expected one of json, slack, telegram, got "discord"');
    expect(() => parseWebhookTarget({ url: 'ftp://secret@host/x' }, 'notify[2]')).toThrow('notify[2].url: expected an http(s) URL, got a ftp: URL');
  });
});
