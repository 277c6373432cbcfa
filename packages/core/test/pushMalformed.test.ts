import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Command, createLogger, DataType, decodeRequest, encodeFrame, encodeResponse, FrameDecoder, loadConfig, PushClient, type Fill, type Order, type PushDataMsg } from '../src/index.ts';
import { SAMPLE_CONFIG } from './fixtureConfig.ts';

// A scripted plain-TCP push server on loopback: answers CONNECT and SUBSCRIBE, then sends the
// bodies the test hands it. Protocol behaviour at large is tested against packages/gateway.
const cfg = loadConfig({ path: SAMPLE_CONFIG, env: {} });
let srv: Server | undefined;
let client: PushClient | undefined;

async function scriptedPush(): Promise<{ port: number; send: (body: PushDataMsg) => void; subscribed: Promise<void> }> {
  let sock: Socket | undefined;
  let onSub: () => void = () => undefined;
  const subscribed = new Promise<void>((r) => (onSub = r));
  srv = createServer((s) => {
    sock = s;
    const dec = new FrameDecoder();
    s.on('data', (chunk: Buffer) => {
      for (const f of dec.push(chunk)) {
        const req = decodeRequest(f);
        if (req.command === Command.CONNECT) s.write(encodeFrame(encodeResponse({ command: Command.CONNECTED, msg: '{"heart-beat":"10000,10000"}' })));
        if (req.command === Command.SUBSCRIBE) {
          s.write(encodeFrame(encodeResponse({ command: Command.MESSAGE, id: req.id, code: 112 })));
          onSub();
        }
      }
    });
  });
  await new Promise<void>((r) => srv!.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, send: (body) => sock!.write(encodeFrame(encodeResponse({ command: Command.MESSAGE, body }))), subscribed };
}

afterEach(async () => {
  await client?.close();
  await new Promise((r) => srv?.close(r));
});

describe('PushClient: malformed trade pushes are counted and dropped, never booked', () => {
  it('drops an order push without id or action and a fill push without price, delivers the good ones', async () => {
    const p = await scriptedPush();
    const lines: string[] = [];
    client = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: '127.0.0.1', port: p.port, tls: false, logger: createLogger({ level: 'warn', write: (l) => lines.push(l) }) });
    await client.connect();
    const orders: Order[] = [];
    const fills: Fill[] = [];
    client.orders$().subscribe((o) => orders.push(o));
    client.fills$().subscribe((f) => fills.push(f));
    await p.subscribed;
    const order = { id: '41', account: cfg.account, symbol: 'AAPL', action: 'BUY', orderType: 'LMT', totalQuantity: '5', status: 'Held' };
    const fill = { id: '51', orderId: '41', account: cfg.account, symbol: 'AAPL', action: 'BUY', filledPrice: 10, filledQuantity: '5' };
    p.send({ dataType: DataType.OrderStatus, orderStatusData: { ...order, id: undefined } });
    p.send({ dataType: DataType.OrderStatus, orderStatusData: { ...order, action: undefined } });
    p.send({ dataType: DataType.OrderTransaction, orderTransactionData: { ...fill, filledPrice: undefined } });
    p.send({ dataType: DataType.OrderStatus, orderStatusData: order });
    p.send({ dataType: DataType.OrderTransaction, orderTransactionData: fill });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => fills.length === 1 && (clearInterval(check), resolve()), 5);
    });
    expect(client.malformedPushes).toBe(3);
    expect(orders.map((o) => [o.id, o.action, o.status])).toEqual([['41', 'BUY', 'Submitted']]);
    expect(fills.map((f) => [f.id, f.price])).toEqual([['51', 10]]);
    expect(lines.filter((l) => l.includes('malformed push dropped'))).toHaveLength(3);
  });
});
