import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Gateway } from '@pounce/gateway';
import { defineStrategy, OpenApiVenue, TradingEngine } from '@pounce/runtime';
import { DashboardServer } from '../src/index.ts';
import { clientsFor, startTestGateway, tick, until } from '../../gateway/test/testGateway.ts';

let gw: Gateway | undefined;
let engine: TradingEngine | undefined;
let dash: DashboardServer | undefined;
afterEach(async () => {
  await dash?.stop();
  await engine?.stop().catch(() => undefined);
  await gw?.stop();
});

describe('dashboard clients cannot slow the strategy', () => {
  it('stalled clients get updates dropped (bounded buffers) while a live client and the strategy keep going', async () => {
    gw = await startTestGateway();
    const c = clientsFor(gw);
    let bars = 0;
    const def = defineStrategy({ name: 'counter', params: {}, symbols: ['AAA', 'BBB'], setup: (ctx) => void ctx.bars$().subscribe(() => bars++) });
    const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA', 'BBB'], () => gw!.replay.now());
    engine = await TradingEngine.start({ def, venue, runDir: mkdtempSync(join(tmpdir(), 'pounce-dash-')) });
    const cap = 32 * 1024;
    dash = await DashboardServer.start({ engine, venue, onKill: () => undefined, intervalMs: 10, maxBufferedBytes: cap });
    const wsUrl = `ws://127.0.0.1:${dash.port}/ws?token=${dash.token}`;

    // 40 clients that never read: their sockets are paused right after the handshake.
    const stalled = await Promise.all(Array.from({ length: 40 }, () => new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on('open', () => {
        (ws as unknown as { _socket: { pause(): void } })._socket.pause();
        resolve(ws);
      });
    })));
    let live = 0;
    const reader = new WebSocket(wsUrl);
    reader.on('message', () => live++);
    await until(() => dash!.clients === 41);

    // ~2.5 s of replay: each update carries up to 300 bars per symbol (tens of KB) every 10 ms,
    // far more than a stalled reader's kernel buffers hold.
    const t0 = Date.now();
    for (let i = 0; i < 350; i++) {
      gw.advance(1);
      await tick(7);
    }
    await until(() => bars === 700, 10_000);
    const elapsed = Date.now() - t0;
    await tick(200);

    const serverSide = [...(dash as unknown as { wss: { clients: Set<WebSocket> } }).wss.clients];
    const maxBuffered = Math.max(...serverSide.map((ws) => ws.bufferedAmount));
    const dropped = [...dash.dropped.values()];
    expect(dropped.filter((n) => n > 0).length).toBeGreaterThanOrEqual(40); // every stalled client was skipped
    expect(maxBuffered).toBeLessThan(cap + 256 * 1024); // at most one message beyond the cap
    expect(live).toBeGreaterThan(10); // the reading client kept getting updates
    expect(elapsed).toBeLessThan(15_000); // and the strategy saw all 700 bars meanwhile
    stalled.forEach((ws) => ws.terminate());
    reader.close();
  }, 40_000);
});
