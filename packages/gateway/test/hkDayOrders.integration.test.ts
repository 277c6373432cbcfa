import { afterEach, describe, expect, it } from 'vitest';
import type { MarketBar } from '@pounce/matching';
import type { Gateway } from '../src/index.ts';
import { clientsFor, startTestGateway, tempDirs } from './testGateway.ts';

const dirs = tempDirs();
let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

/** A Hong Kong wall-clock time (UTC+8, no daylight saving): 2024-06-03 09:30 is 21:30 of June 2 in New York. */
const hk = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
const bar = (time: number, low: number): MarketBar => ({ symbol: '00700', time, open: 302, high: 303, low, close: 302, volume: 1_000_000 });

describe('DAY orders of a Hong Kong symbol on the gateway', () => {
  it('live through the lunch break until the 16:00 close; expire when the next Hong Kong session day begins', async () => {
    // Tencent's minutes on 2024-06-03: the morning, the afternoon (the same Hong Kong day, the next New
    // York day), the last minute before the close, then the next morning.
    const bars = [
      bar(hk('2024-06-03', '09:30'), 301), bar(hk('2024-06-03', '11:59'), 301), bar(hk('2024-06-03', '13:00'), 301),
      bar(hk('2024-06-03', '15:59'), 299), bar(hk('2024-06-04', '09:30'), 301),
    ];
    gw = await startTestGateway({ stateDir: dirs('pounce-gw-hk-'), bars });
    const { api } = clientsFor(gw);
    gw.advance(1); // 09:30
    const reached = await api.placeOrder({ symbol: '00700', action: 'BUY', orderType: 'LMT', limitPrice: 300, quantity: 100, timeInForce: 'DAY' });
    const never = await api.placeOrder({ symbol: '00700', action: 'BUY', orderType: 'LMT', limitPrice: 290, quantity: 100, timeInForce: 'DAY' });
    gw.advance(2); // 11:59, then 13:00 after the lunch break
    expect([(await api.order(reached.id)).status, (await api.order(never.id)).status]).toEqual(['Submitted', 'Submitted']);
    gw.advance(1); // 15:59: the low of 299 reaches 300
    expect(await api.order(reached.id)).toMatchObject({ status: 'Filled', filledQuantity: 100, avgFillPrice: 300 });
    expect((await api.order(never.id)).status).toBe('Submitted');
    gw.advance(1); // 09:30 of 2024-06-04
    expect(await api.order(never.id)).toMatchObject({ status: 'Cancelled', remark: 'DAY order expired at the end of its session' });
  });
});
