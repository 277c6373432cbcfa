import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, OpenApiClient, PushClient, type OpenApiConfig } from '@pounce/core';
import { perShareFees, type MatchingConfig } from '@pounce/matching';
import { firstValueFrom, filter, take, toArray, type Observable } from 'rxjs';
import { Gateway, syntheticBars, type GatewayOptions } from '../src/index.ts';

export const SAMPLE_CONFIG = fileURLToPath(new URL('../../core/test/fixtures/sample_openapi_config.properties', import.meta.url));

/** A gateway on ephemeral loopback ports over a small synthetic market, stepped by hand. */
export async function startTestGateway(o: Partial<GatewayOptions> & { matching?: MatchingConfig } = {}): Promise<Gateway> {
  return Gateway.start({
    stateDir: o.stateDir ?? mkdtempSync(join(tmpdir(), 'pounce-gw-')),
    bars: o.bars ?? syntheticBars({ symbols: ['AAA', 'BBB'], bars: 400, seed: 11 }),
    speed: o.speed ?? 'manual',
    clientConfigs: [SAMPLE_CONFIG, ...(o.clientConfigs ?? [])],
    matching: { fees: perShareFees(0.01, 1), initialCash: 100_000, participation: 1, ...o.matching },
    ...o,
  });
}

export function clientsFor(gw: Gateway, overrides: Record<string, string> = {}): { cfg: OpenApiConfig; api: OpenApiClient; push: PushClient } {
  const cfg = loadConfig({ path: gw.clientConfigPath, env: {}, overrides });
  const api = OpenApiClient.fromConfig(cfg, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  const push = new PushClient({ tigerId: cfg.tigerId, privateKey: cfg.privateKey, host: cfg.push.host, port: cfg.push.port, caPem: cfg.push.caPem, heartbeatMs: 1000, reconnect: { initialMs: 20, maxMs: 200 } });
  return { cfg, api, push };
}

/** Resolves with the first `n` values (bounded by `ms`, so a test cannot hang). */
export function nextN<T>(obs: Observable<T>, n: number, ms = 5000): Promise<T[]> {
  return Promise.race([
    firstValueFrom(obs.pipe(take(n), toArray())),
    new Promise<T[]>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${n} values`)), ms)),
  ]);
}

export function first<T>(obs: Observable<T>, pred: (v: T) => boolean, ms = 5000): Promise<T> {
  return nextN(obs.pipe(filter(pred)), 1, ms).then((v) => v[0]!);
}

export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true (bounded). */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await tick(10);
  }
}

export { tempDirs } from '../../core/test/tempDirs.ts';
