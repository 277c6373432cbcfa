import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBarFiles } from '@pounce/gateway';
import { defineStrategy, OpenApiVenue, TradingEngine } from '../src/index.ts';
import { clientsFor, startTestGateway, tempDirs, until } from '../../gateway/test/testGateway.ts';
import { startedOnGateway } from './startedOnGateway.ts';

const tempDir = tempDirs();
const started = startedOnGateway();
const NVDA = fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url));

describe('a paper venue on a gateway whose replay starts at the first subscription', () => {
  it('start returns once it has the replayed market\'s time, not the wall clock\'s', async () => {
    // One step every two seconds, started by the venue's own subscription: nothing is quoted before it.
    started.gw = await startTestGateway({ bars: loadBarFiles([`NVDA=${NVDA}`]).slice(0, 10), speed: 0.5, startReplay: 'first-subscribe', stateDir: tempDir('pounce-gw-') });
    const c = clientsFor(started.gw);
    const venue = new OpenApiVenue('paper', c.api, c.push, ['NVDA']);
    await venue.start();
    try {
      expect(new Date(venue.now()).getUTCFullYear()).toBe(1999);
    } finally {
      await venue.stop();
    }
  });

  it('a gateway that never steps: start gives up waiting after 10 s and the venue goes on with the wall clock, as before', async () => {
    started.gw = await startTestGateway({ bars: loadBarFiles([`NVDA=${NVDA}`]).slice(0, 10), stateDir: tempDir('pounce-gw-') }); // stepped by hand, never here
    const c = clientsFor(started.gw);
    const venue = new OpenApiVenue('paper', c.api, c.push, ['NVDA']);
    const t0 = Date.now();
    await venue.start();
    try {
      expect(Date.now() - t0).toBeGreaterThanOrEqual(9_900);
      expect(new Date(venue.now()).getUTCFullYear()).toBe(new Date().getUTCFullYear());
    } finally {
      await venue.stop();
    }
  }, 60_000);

  it('so a daily strategy started on it gets its bars from the first one', async () => {
    started.gw = await startTestGateway({ bars: loadBarFiles([`NVDA=${NVDA}`]).slice(0, 40), speed: 2, startReplay: 'first-subscribe', stateDir: tempDir('pounce-gw-') });
    const c = clientsFor(started.gw);
    const venue = new OpenApiVenue('paper', c.api, c.push, ['NVDA']);
    const bars: number[] = [];
    const def = defineStrategy({
      name: 'probe', params: {}, symbols: ['NVDA'], timeframe: '1d', warmUp: () => 1,
      setup(ctx) {
        ctx.bars$().subscribe((b) => bars.push(b.time));
      },
    });
    started.engine = await TradingEngine.start({ def, venue, runDir: tempDir('pounce-run-') });
    // The venue's time is the replay's (1999), not the wall clock's.
    expect(new Date(venue.now()).getUTCFullYear()).toBe(1999);
    await until(() => bars.length >= 2, 30_000);
    expect(new Date(bars[0]!).getUTCFullYear()).toBe(1999);
    expect(bars[1]!).toBeGreaterThan(bars[0]!);
  });
});
