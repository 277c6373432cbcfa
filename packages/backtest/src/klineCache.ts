import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvBars, writeFileWhole, type Bar, type OpenApiClient } from '@pounce/core';

/** The venue answered a kline request with no bars (nothing is cached). */
export class EmptyKlinesError extends Error {
  override readonly name = 'EmptyKlinesError';
}

export interface KlineCacheRequest {
  symbol: string;
  /** kline period, e.g. `day`, `5min`. */
  period: string;
  beginTime: number;
  endTime: number;
  cacheDir: string;
}

/** The cache file for a request: one CSV per symbol, period and range. */
export function klineCachePath(r: Omit<KlineCacheRequest, 'cacheDir'> & { cacheDir: string }): string {
  return join(r.cacheDir, `${r.symbol}-${r.period}-${r.beginTime}-${r.endTime}.csv`);
}

const pad = (n: number) => String(n).padStart(2, '0');
/** UTC date and time columns, so the file reads back with zone UTC exactly. */
function row(b: Bar): string {
  const d = new Date(b.time);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())},${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${b.open},${b.high},${b.low},${b.close},${b.volume},0`;
}

/**
 * Bars for a backtest from the OpenAPI `kline` method (all pages, through core), cached on disk as
 * CSV in the intraday format of shared/data so later runs read the file and need no connection.
 * Returns the bars and whether they came from the cache.
 *
 * @example
 * ```ts
 * const { bars } = await cachedKlines(client, { symbol: 'NVDA', period: 'day', beginTime, endTime, cacheDir: '.pounce/klines' });
 * ```
 */
export async function cachedKlines(client: Pick<OpenApiClient, 'kline'> | undefined, r: KlineCacheRequest): Promise<{ bars: Bar[]; path: string; cached: boolean }> {
  const path = klineCachePath(r);
  // A cache file without bars (an older version cached empty answers) is no cache: fetch again.
  if (existsSync(path)) {
    const bars = parseCsvBars(readFileSync(path, 'utf8'), { symbol: r.symbol, source: path, zone: 'UTC' });
    if (bars.length > 0) return { bars, path, cached: true };
  }
  if (!client) throw new Error(`no cached klines at ${path} and no connection to fetch them (pass --config)`);
  const bars = await client.kline(r.symbol, { period: r.period, beginTime: r.beginTime, endTime: r.endTime, limit: 1200 });
  // Never cache an empty answer: a venue that had no bars yet (a gateway that has not replayed
  // that range) would otherwise answer every later run from the file.
  if (bars.length === 0) throw new EmptyKlinesError(`--kline ${r.symbol}: the venue returned no bars for ${r.period} bars from ${new Date(r.beginTime).toISOString()} to ${new Date(r.endTime).toISOString()} (nothing was cached)`);
  mkdirSync(r.cacheDir, { recursive: true });
  // Written whole then renamed: a crash never leaves a half file that later reads as the cache.
  writeFileWhole(path, ['Date,Time,Open,High,Low,Close,Volume,OpenInterest', ...bars.map(row)].join('\n') + '\n');
  return { bars, path, cached: false };
}
