import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedKlines, runBacktest } from '../src/index.ts';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { clientsFor, startTestGateway } from '../../gateway/test/testGateway.ts';

describe('kline cache fetched through core', () => {
  it('fetches every page from the gateway once, then reads the cache offline; a backtest runs on it', async () => {
    const gw = await startTestGateway();
    gw.advance(300);
    const { api } = clientsFor(gw);
    const cacheDir = mkdtempSync(join(tmpdir(), 'pounce-klines-'));
    const req = { symbol: 'AAA', period: '1min', beginTime: 0, endTime: gw.replay.now(), cacheDir };
    const first = await cachedKlines(api, req);
    expect(first.cached).toBe(false);
    expect(first.bars.map((b) => b.time)).toEqual(gw.replay.history('AAA').map((b) => b.time)); // 300 bars: several pages
    await gw.stop();
    const second = await cachedKlines(undefined, req); // no connection needed now
    expect(second.cached).toBe(true);
    expect(second.bars).toEqual(first.bars);
    expect(readFileSync(second.path, 'utf8').split('\n')[0]).toBe('Date,Time,Open,High,Low,Close,Volume,OpenInterest');
    expect(existsSync(`${second.path}.tmp`)).toBe(false);
    const r = await runBacktest({ def: smaCross, bars: second.bars, symbols: ['AAA'], rawParams: { fast: 3, slow: 8 }, timeframe: '1m' });
    expect(r.fills.length).toBeGreaterThan(0);
    await expect(cachedKlines(undefined, { ...req, symbol: 'BBB' })).rejects.toThrow(/no cached klines at .*\(pass --config\)/);
  });
});
