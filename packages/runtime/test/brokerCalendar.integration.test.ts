import { afterEach, describe, expect, it } from 'vitest';
import { hkEquities, parseTimeframe } from '@pounce/calendar';
import type { Bar } from '@pounce/core';
import type { Gateway } from '@pounce/gateway';
import { BarFeed, OpenApiVenue } from '../src/index.ts';
import { clientsFor, startTestGateway, tempDirs } from '../../gateway/test/testGateway.ts';

const dirs = tempDirs();
let gw: Gateway | undefined;
let feed: BarFeed | undefined;
let venue: OpenApiVenue | undefined;
afterEach(async () => {
  feed?.stop();
  await venue?.stop();
  await gw?.stop();
  feed = undefined;
  venue = undefined;
  gw = undefined;
});

const hk = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
const bar = (time: number): Bar => ({ symbol: '00700', time, open: 300, high: 301, low: 299, close: 300, volume: 1_000 });
// Tencent on Monday 2024-06-03 and Wednesday 2024-06-05; Tuesday has no bars: the exchange closed (a typhoon).
const BARS = [bar(hk('2024-06-03', '09:30')), bar(hk('2024-06-03', '15:59')), bar(hk('2024-06-05', '09:30')), bar(hk('2024-06-05', '15:59'))];

/** A daily strategy's bar feed on the gateway, connected and started (the broker's calendar loaded). */
async function startFeed(g: Gateway): Promise<BarFeed> {
  g.advance(1);
  const c = clientsFor(g);
  venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['00700'], () => g.replay.now());
  feed = new BarFeed({ venue, symbols: ['00700'], timeframe: parseTimeframe('1d'), extendedHours: false, warmUp: 0, right: 'br' });
  await feed.start();
  return feed;
}

describe('the broker\'s trading_calendar takes precedence over the shipped rules', () => {
  it('a day the shipped Hong Kong rules call open, closed by the broker: no session that day; the days around it keep the shipped hours', async () => {
    expect(hkEquities.session('2024-06-04')).toBeDefined();
    gw = await startTestGateway({ stateDir: dirs('pounce-gw-cal-'), bars: BARS, closures: [{ market: 'HK', date: '2024-06-04' }] });
    const cal = (await startFeed(gw)).calendarOf('00700');
    expect(cal.session('2024-06-04')).toBeUndefined();
    expect(cal.nextSession('2024-06-03')?.date).toBe('2024-06-05');
    expect(cal.session('2024-06-03')).toEqual(hkEquities.session('2024-06-03'));
    expect(cal.session('2024-06-05')).toEqual(hkEquities.session('2024-06-05'));
  });

  it('when the broker\'s calendar cannot be had, the shipped rules are the fallback', async () => {
    gw = await startTestGateway({ stateDir: dirs('pounce-gw-cal-'), bars: BARS, closures: [{ market: 'HK', date: '2024-06-04' }] });
    gw.faults.faultMethods = new Set(['trading_calendar']);
    gw.faults.rateLimitNext = 1;
    const cal = (await startFeed(gw)).calendarOf('00700');
    expect(gw.faults.rateLimitNext).toBe(0);
    expect(cal.session('2024-06-04')).toEqual(hkEquities.session('2024-06-04'));
  });

  it('the gateway refuses a closure on a day its data trades (the service trades no closed day)', async () => {
    await expect(startTestGateway({ stateDir: dirs('pounce-gw-cal-'), bars: BARS, closures: [{ market: 'HK', date: '2024-06-05' }] }))
      .rejects.toThrow('closures: HK 2024-06-05 is closed, yet the data has a bar of 00700 on it');
  });
});
