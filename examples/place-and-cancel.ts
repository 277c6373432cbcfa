/**
 * Places a limit order far from the market, looks it up, cancels it, and shows the final status.
 * Run: npx tsx examples/place-and-cancel.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, OpenApiClient } from '@pounce/core';
import { defaultDataFiles, Gateway, loadBarFiles } from '@pounce/gateway';

const gateway = await Gateway.start({ stateDir: mkdtempSync(join(tmpdir(), 'pounce-example-')), bars: loadBarFiles(defaultDataFiles(['NVDA'])), speed: 'manual' });
gateway.advance(10);
const client = OpenApiClient.fromConfig(loadConfig({ path: gateway.clientConfigPath, env: {} }));

const [quote] = await client.quoteRealTime(['NVDA']);
const limit = Math.round(quote!.latestPrice * 0.5 * 100) / 100;
const placed = await client.placeOrder({ symbol: 'NVDA', action: 'BUY', orderType: 'LMT', quantity: 10, limitPrice: limit });
console.log(`placed order ${placed.id}: BUY 10 NVDA @ ${limit} (last ${quote!.latestPrice})`);
console.log(`status: ${(await client.order(placed.id)).status}`);
await client.cancelOrder(placed.id);
console.log(`after cancel: ${(await client.order(placed.id)).status}`);
await gateway.stop();
