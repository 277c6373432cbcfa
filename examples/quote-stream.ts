/**
 * Streams quotes from the local gateway for a few seconds.
 * Run: npx tsx examples/quote-stream.ts [seconds]
 * Against your own account: build the PushClient from loadConfig() instead of the gateway's config.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PushClient } from '@pounce/core';
import { defaultDataFiles, Gateway, loadBarFiles } from '@pounce/gateway';

const seconds = Number(process.argv[2] ?? 5);
const gateway = await Gateway.start({ stateDir: mkdtempSync(join(tmpdir(), 'pounce-example-')), bars: loadBarFiles(defaultDataFiles(['NVDA', 'ORCL'])), speed: 10 });
const cfg = loadConfig({ path: gateway.clientConfigPath, env: {} });
const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem });
await push.connect();
const sub = push.quotes$(['NVDA', 'ORCL']).subscribe((q) => {
  console.log(`${new Date(q.time).toISOString().slice(0, 10)} ${q.symbol.padEnd(5)} last ${q.latestPrice?.toFixed(2)} bid ${q.bidPrice?.toFixed(2)} ask ${q.askPrice?.toFixed(2)}`);
});
await new Promise((r) => setTimeout(r, seconds * 1000));
sub.unsubscribe();
await push.close();
await gateway.stop();
