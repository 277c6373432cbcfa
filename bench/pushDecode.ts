import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Command, DataType, decodeRequest, encodeFrame, encodeResponse, FrameDecoder, PushClient } from '@pounce/core';
import { ensureGatewayIdentity } from '@pounce/gateway';
import type { BenchResult } from './types.ts';

/**
 * Quote messages per second from a TLS socket into `quotes$`: a local server answers CONNECT and
 * SUBSCRIBE, then writes pre-encoded quote frames as fast as the socket takes them.
 */
export async function pushDecode(messages = 300_000, runs = 3): Promise<BenchResult[]> {
  const id = ensureGatewayIdentity(mkdtempSync(join(tmpdir(), 'pounce-bench-tls-')));
  const key = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const frames = Buffer.concat(Array.from({ length: 1000 }, (_, i) => encodeFrame(encodeResponse({
    command: Command.MESSAGE,
    body: { dataType: DataType.Quote, quoteData: { symbol: 'AAA', type: 3, timestamp: String(1_700_000_000_000 + i), latestPrice: 100 + i / 100, bidPrice: 99.99, askPrice: 100.01, bidSize: '100', askSize: '200', volume: String(1000 + i) } },
  }))));
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const server = createServer({ key: id.tlsKeyPem, cert: id.tlsCertPem }, (sock) => {
      const dec = new FrameDecoder();
      sock.on('data', (c: Buffer) => {
        for (const f of dec.push(c)) {
          const req = decodeRequest(f);
          if (req.command === Command.CONNECT) sock.write(encodeFrame(encodeResponse({ command: Command.CONNECTED, id: req.id, msg: '{"version":"3","heart-beat":"10000,10000"}' })));
          // The client reads the subscription listing (its quota) before it subscribes.
          if (req.command === Command.SEND) sock.write(encodeFrame(encodeResponse({ command: Command.MESSAGE, id: req.id, code: 111, msg: JSON.stringify({ limit: 2000, used: 0, subscribedSymbols: [], askBidLimit: 2000, askBidUsed: 0, subscribedAskBidSymbols: [], tradeTickLimit: 2000, tradeTickUsed: 0, subscribedTradeTickSymbols: [], klineLimit: 2000, klineUsed: 0, subscribedKlineSymbols: [], subscribedMarketQuote: [] }) })));
          if (req.command === Command.SUBSCRIBE) {
            sock.write(encodeFrame(encodeResponse({ command: Command.MESSAGE, id: req.id, code: 112, body: { dataType: DataType.Quote } })));
            let sent = 0;
            const pump = () => {
              while (sent < messages) {
                sent += 1000;
                if (!sock.write(frames)) return void sock.once('drain', pump);
              }
            };
            pump();
          }
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const push = new PushClient({ tigerId: '1', privateKey: key, host: '127.0.0.1', port: (server.address() as AddressInfo).port, caPem: id.tlsCertPem });
    await push.connect();
    let n = 0;
    let t0 = 0;
    await new Promise<void>((done) => {
      push.quotes$(['AAA']).subscribe(() => {
        if (n === 0) t0 = performance.now();
        if (++n === messages) done();
      });
    });
    rates.push((messages - 1) / ((performance.now() - t0) / 1000));
    await push.close();
    await new Promise((res) => server.close(res));
  }
  rates.sort((a, b) => a - b);
  return [{ name: 'push decode (TLS socket -> quotes$)', value: rates[Math.floor(rates.length / 2)]!, unit: 'msg/s', target: 300_000, better: 'higher', detail: `${messages} quotes per run, median of ${runs}: ${rates.map((x) => Math.round(x)).join(', ')}` }];
}
