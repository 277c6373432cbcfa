import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { BizParamError, type Bar } from '@pounce/core';
import { loadBarFiles, type Gateway } from '../src/index.ts';
import { clientsFor, nextN, startTestGateway } from './testGateway.ts';

const NVDA = fileURLToPath(new URL('../data/nvda-1999-2014.csv', import.meta.url));
const ny = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' }).toMillis();

let gw: Gateway | undefined;
let c: ReturnType<typeof clientsFor> | undefined;
afterEach(async () => {
  await c?.push.close();
  await gw?.stop();
  gw = c = undefined;
});

/** Three minute bars a session on 2024-07-02, -03 (early close) and -05 (after the holiday). */
function minutes(): Bar[] {
  const out: Bar[] = [];
  for (const [date, last] of [['2024-07-02', '15:59'], ['2024-07-03', '12:59'], ['2024-07-05', '15:59']] as const) {
    for (const [i, hhmm] of ['09:30', '12:00', last].entries()) out.push({ symbol: 'AAA', time: ny(`${date}T${hhmm}`), open: 10 + i, high: 11 + i, low: 9 + i, close: 10.5 + i, volume: 100 });
  }
  return out;
}

describe('the gateway serves klines as the service does', () => {
  it('REST day klines from minute data: one per session, stamped at midnight New York time, built on the calendar', async () => {
    gw = await startTestGateway({ bars: minutes() });
    c = clientsFor(gw);
    gw.advance(9);
    const day = await c.api.kline('AAA', { period: 'day' });
    expect(day.map((b) => b.time)).toEqual([ny('2024-07-02T00:00'), ny('2024-07-03T00:00'), ny('2024-07-05T00:00')]);
    expect(day[1]).toMatchObject({ open: 10, high: 13, low: 9, close: 12.5, volume: 300 });
    // Hourly bars count from the open: 09:30, 11:30 (the 12:00 minute), 15:30; the early close cuts 12:30-13:00.
    const hour = await c.api.kline('AAA', { period: '60min', beginTime: ny('2024-07-03T00:00'), endTime: ny('2024-07-03T23:59') });
    expect(hour.map((b) => DateTime.fromMillis(b.time, { zone: 'America/New_York' }).toFormat('HH:mm'))).toEqual(['09:30', '11:30', '12:30']);
  });

  it('REST day klines from a daily file are a session apart; a session\'s bar exists only after its close', async () => {
    gw = await startTestGateway({ bars: loadBarFiles([`NVDA=${NVDA}`]).slice(0, 10) });
    c = clientsFor(gw);
    gw.advance(3); // at the third session's open
    const day = await c.api.kline('NVDA', { period: 'day' });
    expect(day).toHaveLength(2);
    expect(day[1]!.time - day[0]!.time).toBeGreaterThanOrEqual(86_400_000);
    expect(day.every((b) => DateTime.fromMillis(b.time, { zone: 'America/New_York' }).toFormat('HH:mm') === '00:00')).toBe(true);
    await expect(c.api.kline('NVDA', { period: '1min' })).rejects.toBeInstanceOf(BizParamError);
  });

  it('pushes minute klines, never a daily one', async () => {
    gw = await startTestGateway({ bars: loadBarFiles([`NVDA=${NVDA}`]).slice(0, 10) });
    c = clientsFor(gw);
    await c.push.connect();
    const klines: Bar[] = [];
    c.push.bars$(['NVDA']).subscribe((b) => klines.push(b));
    const quotes = nextN(c.push.quotes$(['NVDA']), 3);
    await new Promise((r) => setTimeout(r, 50)); // the subscriptions reach the server before the steps
    gw.advance(3);
    // Each step's kline would be written before its quote on the same connection.
    expect(await quotes).toHaveLength(3);
    expect(klines).toEqual([]);

    const mgw = await startTestGateway({ bars: minutes() });
    const mc = clientsFor(mgw);
    try {
      await mc.push.connect();
      const bars = nextN(mc.push.bars$(['AAA']), 2);
      await new Promise((r) => setTimeout(r, 50));
      mgw.advance(2);
      expect((await bars).map((b) => b.time)).toEqual([ny('2024-07-02T09:30'), ny('2024-07-02T12:00')]);
    } finally {
      await mc.push.close();
      await mgw.stop();
    }
  });

  it('trading_calendar: the shipped calendar through the client (2024-07-04 is not a trading day)', async () => {
    gw = await startTestGateway({ bars: minutes() });
    c = clientsFor(gw);
    const days = await c.api.tradingCalendar('US', '2024-07-01', '2024-07-08');
    expect(days.filter((d) => d.trading).map((d) => d.date)).toEqual(['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-05']);
    expect(days.map((d) => d.date)).toHaveLength(7);
  });

  it('moves its clock to a client\'s timer (a session close) before the next bar', async () => {
    gw = await startTestGateway({ bars: minutes() });
    gw.advance(3); // 2024-07-02 15:59
    const woke: number[] = [];
    void gw.clock.sleep(ny('2024-07-02T16:00') - gw.clock.now()).then(() => woke.push(gw!.clock.now()));
    gw.advance(1);
    await new Promise((r) => setImmediate(r));
    expect(woke).toEqual([ny('2024-07-02T16:00')]);
    expect(gw.replay.position).toBe(3);
    gw.advance(1);
    expect(gw.replay.now()).toBe(ny('2024-07-03T09:30'));
  });
});
