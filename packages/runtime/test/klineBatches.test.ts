import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '@pounce/gateway';
import { syntheticBars } from '@pounce/gateway';
import { OpenApiVenue } from '../src/index.ts';
import { clientsFor, startTestGateway } from '../../gateway/test/testGateway.ts';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe('kline history for warm-up and daily bars', () => {
  it('asks the venue once per 10 symbols (docs/strategies.md: one kline request per 10 symbols)', async () => {
    const symbols = Array.from({ length: 25 }, (_, i) => `S${i}`);
    gw = await startTestGateway({ bars: syntheticBars({ symbols, bars: 30, seed: 3 }) });
    gw.advance(30);
    const c = clientsFor(gw);
    const venue = new OpenApiVenue('paper', c.api, c.push, symbols);
    const before = gw.requests.filter((r) => r.method === 'kline').length;
    const bars = await venue.klines(symbols, { period: '1min', endTime: gw.replay.now() + 1, limit: 5, right: 'br' });
    expect(gw.requests.filter((r) => r.method === 'kline').length - before).toBe(3);
    expect([...bars.keys()].sort()).toEqual([...symbols].sort());
    for (const list of bars.values()) expect(list.length).toBe(5);
  });
});
