import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { HttpTransport, loadConfig, RequestTimeoutError, signContent, signWithKey, TransportError, stringifyBigJson, verifyWithKey } from '../src/index.ts';
import { SAMPLE_CONFIG } from './fixtureConfig.ts';

// Scripted loopback server: answers each request with the next action. It exists to test the
// transport's retry rules in isolation; protocol behaviour is tested against packages/gateway.
const cfg = loadConfig({ path: SAMPLE_CONFIG, env: {} });
const server = generateKeyPairSync('rsa', { modulusLength: 1024 });
type Action = 'ok' | '500' | 'hang' | 'reset' | 'partial';
let srv: Server | undefined;

async function scripted(actions: Action[]): Promise<{ url: string; hits: string[]; ports: number[] }> {
  const hits: string[] = [];
  const ports: number[] = [];
  srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const env = JSON.parse(body) as Record<string, string>;
      hits.push(env.method!);
      ports.push(req.socket.remotePort!);
      const a = actions.shift() ?? 'ok';
      if (a === 'hang') return;
      if (a === 'reset') return req.socket.destroy();
      if (a === '500') return res.writeHead(500).end('oops');
      if (a === 'partial') {
        // Headers and half a body, then the connection drops.
        res.writeHead(200, { 'content-length': '400' });
        res.write('{"code":0,"data":');
        return setTimeout(() => req.socket.destroy(), 20);
      }
      res.end(stringifyBigJson({ code: 0, message: 'success', timestamp: Date.now(), data: { id: 40132638459956225n }, sign: signWithKey(env.timestamp!, server.privateKey) }));
    });
  });
  await new Promise<void>((r) => srv!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/gateway`, hits, ports };
}

const transport = (url: string, timeoutMs = 2000) =>
  new HttpTransport({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, serverPublicKey: server.publicKey, serverUrl: url, timeoutMs, retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } });

afterEach(async () => {
  srv?.closeAllConnections();
  await new Promise((r) => srv?.close(r));
});

describe('HttpTransport retry rules', () => {
  it('retries an idempotent read after 5xx and connection resets, then succeeds', async () => {
    const { url, hits } = await scripted(['500', 'reset', 'ok']);
    expect(await transport(url).call('orders', { account: '1' })).toEqual({ id: 40132638459956225n });
    expect(hits).toEqual(['orders', 'orders', 'orders']);
  });

  it('never retries place_order: a 5xx surfaces after exactly one attempt', async () => {
    const { url, hits } = await scripted(['500', 'ok']);
    await expect(transport(url).call('place_order', { account: '1' })).rejects.toBeInstanceOf(TransportError);
    expect(hits).toEqual(['place_order']);
  });

  it('a place_order timeout is a RequestTimeoutError after one attempt (the caller must look the order up)', async () => {
    const { url, hits } = await scripted(['hang', 'ok']);
    await expect(transport(url, 200).call('place_order', { account: '1' })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(hits).toEqual(['place_order']);
  });

  it('modify and cancel are not retried either', async () => {
    const { url, hits } = await scripted(['reset', 'reset', 'ok']);
    await expect(transport(url).call('cancel_order', { id: 1 })).rejects.toBeInstanceOf(TransportError);
    await expect(transport(url).call('modify_order', { id: 1 })).rejects.toBeInstanceOf(TransportError);
    expect(hits).toEqual(['cancel_order', 'modify_order']);
  });

  it('gives up on a read after maxAttempts', async () => {
    const { url, hits } = await scripted(['500', '500', '500', '500', 'ok']);
    await expect(transport(url).call('positions', {})).rejects.toBeInstanceOf(TransportError);
    expect(hits).toHaveLength(4);
  });

  it('a reply cut off mid-body is a TransportError; place_order is not re-sent, a read is retried', async () => {
    const placed = await scripted(['partial', 'ok']);
    await expect(transport(placed.url).call('place_order', { account: '1' })).rejects.toBeInstanceOf(TransportError);
    expect(placed.hits).toEqual(['place_order']);
    srv?.closeAllConnections();
    await new Promise((r) => srv?.close(r));
    const read = await scripted(['partial', 'ok']);
    expect(await transport(read.url).call('orders', { account: '1' })).toEqual({ id: 40132638459956225n });
    expect(read.hits).toEqual(['orders', 'orders']);
  });

  it('reuses one keep-alive connection for consecutive calls', async () => {
    const { url, ports } = await scripted(['ok', 'ok', 'ok']);
    const t = transport(url);
    for (let i = 0; i < 3; i++) await t.call('orders', { account: '1' });
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(1);
  });

  it('honours a caller AbortSignal without retrying', async () => {
    const { url, hits } = await scripted(['hang']);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('user cancelled')), 100);
    await expect(transport(url).call('orders', {}, { signal: ac.signal })).rejects.toThrow('user cancelled');
    expect(hits).toEqual(['orders']);
  });
});

describe('device_id on the wire', () => {
  it('sends the configured device_id as a signed top-level param (python tiger_open_client.py __get_common_params)', async () => {
    let seen: Record<string, string> | undefined;
    srv = createServer((req, res) => {
      let body = '';
      req.on('data', (ch) => (body += ch));
      req.on('end', () => {
        seen = JSON.parse(body) as Record<string, string>;
        res.end(stringifyBigJson({ code: 0, message: 'success', timestamp: Date.now(), data: {}, sign: signWithKey(seen.timestamp!, server.privateKey) }));
      });
    });
    await new Promise<void>((r) => srv!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/gateway`;
    const t = new HttpTransport({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, serverPublicKey: server.publicKey, serverUrl: url, deviceId: '02:42:ac:11:00:02' });
    await t.call('market_state', { market: 'US' });
    const { sign, ...signed } = seen!;
    expect(signed.device_id).toBe('02:42:ac:11:00:02');
    expect(verifyWithKey(signContent(signed), sign!, createPublicKey(cfg.privateKey))).toBe(true);
  });
});
