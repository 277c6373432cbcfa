import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('never caches an empty answer: a venue with no bars yet fails the fetch, and a later fetch with bars is cached', async () => {
    // Before: a header-only CSV was cached and every later run read "no bars" from it.
    const gw = await startTestGateway();
    const { api } = clientsFor(gw);
    const cacheDir = mkdtempSync(join(tmpdir(), 'pounce-klines-'));
    try {
      const req = { symbol: 'AAA', period: '1min', beginTime: 0, endTime: Date.UTC(2100, 0, 1), cacheDir };
      await expect(cachedKlines(api, req)).rejects.toThrow(/--kline AAA: the venue returned no bars .*\(nothing was cached\)/);
      expect(readdirSync(cacheDir)).toEqual([]);
      // A header-only file an older version left is not a cache either.
      writeFileSync(join(cacheDir, readdirSync(cacheDir)[0] ?? `AAA-1min-0-${req.endTime}.csv`), 'Date,Time,Open,High,Low,Close,Volume,OpenInterest\n');
      gw.advance(50);
      const got = await cachedKlines(api, req);
      expect(got.cached).toBe(false);
      expect(got.bars.length).toBe(50);
      expect((await cachedKlines(undefined, req)).bars).toEqual(got.bars);
    } finally {
      await gw.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
