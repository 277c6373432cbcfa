import { describe, expect, it } from 'vitest';
import { OpenApiClient, type HttpTransport } from '../src/index.ts';

/** A transport that records the call and answers with `data` (the reply's data field). */
function replying(data: unknown) {
  const calls: Array<{ method: string; biz: Record<string, unknown> }> = [];
  const http = { call: async (method: string, biz: Record<string, unknown>) => (calls.push({ method, biz }), data) } as unknown as HttpTransport;
  return { client: new OpenApiClient(http, 'A', 'paper', undefined), calls };
}

describe('corporate actions from the quote API (as the python SDK asks for them)', () => {
  it('corporateSplits sends corporate_action with action_type split and reads the per-symbol lists', async () => {
    const { client, calls } = replying({ UVXY: [{ actionType: 'SPLIT', fromFactor: 5, toFactor: 1, ratio: 5, executeDate: '2024-04-11', market: 'US', exchange: 'CBOE' }] });
    const got = await client.corporateSplits(['UVXY'], { beginTime: 1_704_067_200_000, endTime: 1_735_689_600_000 });
    expect(calls).toEqual([{ method: 'corporate_action', biz: { symbols: ['UVXY'], market: 'US', action_type: 'split', begin_date: 1_704_067_200_000, end_date: 1_735_689_600_000, lang: 'en_US' } }]);
    expect(got).toEqual([{ symbol: 'UVXY', exDate: '2024-04-11', fromFactor: 5, toFactor: 1, market: 'US' }]);
  });

  it('corporateDividends reads amounts, and epoch-ms dates as the market\'s local date', async () => {
    // 2024-06-11 00:00 New York is 04:00 UTC.
    const { client, calls } = replying({ NVDA: [{ actionType: 'DIVIDEND', amount: 0.01, currency: 'USD', executeDate: Date.UTC(2024, 5, 11, 4), recordDate: '2024-06-11', payDate: '2024-06-28', market: 'US' }] });
    const got = await client.corporateDividends(['NVDA'], { beginTime: 0, endTime: 1 });
    expect(calls[0]!.biz.action_type).toBe('dividend');
    expect(got).toEqual([{ symbol: 'NVDA', exDate: '2024-06-11', amount: 0.01, currency: 'USD', recordDate: '2024-06-11', payDate: '2024-06-28', market: 'US' }]);
  });

  it('a malformed item names the field', async () => {
    const { client } = replying({ NVDA: [{ executeDate: '2024-06-11' }] });
    await expect(client.corporateDividends(['NVDA'], { beginTime: 0, endTime: 1 })).rejects.toThrow(/amount/);
  });
});
