import type { OpenApiConfig } from '../config/loadConfig.ts';
import { DEFAULT_ENDPOINTS } from '../config/serverKeys.ts';
import { HttpTransport } from '../http/HttpTransport.ts';
import { silentLogger, type Logger } from '../log/Logger.ts';
import { RouteCache } from './routeCache.ts';
import { domainConfFrom, routesFrom, type DomainConf } from './serverRouting.ts';

/** How the servers of a run were chosen, for the log and `pounce doctor`. */
export interface Routing {
  license: string | undefined;
  /** config: the file named it; server: `user_license` answered; cache: the last answer; none. */
  licenseFrom: 'config' | 'server' | 'cache' | 'none';
  /** garden: discovery answered now; cache: its last answer; static: the SDKs' fixed URLs; config: server_url/socket_host_port given, or discovery off. */
  serversFrom: 'garden' | 'cache' | 'static' | 'config';
  /** Why discovery was not used, when it was not. */
  note: string | undefined;
  cacheFile: string;
}

export interface DiscoverOptions {
  /** GET a URL as text (default: fetch with the SDKs' 1 s timeout). */
  getText?: (url: string) => Promise<string>;
  /** Folder of the discovery cache (default ~/.tigeropen). */
  cacheDir?: string;
  now?: () => number;
  logger?: Logger;
}

/** The SDKs give the garden 1 s (python query_domains timeout=1, go/ts domainQueryTimeout). */
const GARDEN_TIMEOUT_MS = 1000;

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(GARDEN_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

/** `user_license` without biz (python tiger_open_client.py query_license): `data.license`. */
async function askLicense(cfg: OpenApiConfig, url: string, log: Logger): Promise<string | undefined> {
  const http = new HttpTransport({
    tigerId: cfg.tigerId, privateKey: cfg.privateKey, serverPublicKey: cfg.serverPublicKey, serverUrl: url, token: cfg.token?.token,
    language: cfg.language, deviceId: cfg.deviceId, timeoutMs: Math.min(cfg.timeoutMs, 10_000), retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, rateLimit: false, logger: log,
  });
  const data = await http.call('user_license', undefined);
  const license = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).license : undefined;
  return typeof license === 'string' && /^[A-Z]{4}$/.test(license) ? license : undefined;
}

/**
 * Chooses the servers as the official SDKs do: the license from the config, else `user_license`;
 * then the domain garden (`?appName=tradeup` for TBUS) routes trade, paper and quote traffic per
 * license; when the garden does not answer, its last answer (cached in ~/.tigeropen), else the
 * static URLs. `server_url` / `socket_host_port` in the config always win. Never throws for a
 * lookup failure: it falls back and says so in `routing.note`.
 *
 * @example
 * ```ts
 * const { cfg: routed, routing } = await discoverServers(loadConfig());
 * routing.serversFrom; // 'garden' | 'cache' | 'static' | 'config'
 * ```
 */
export async function discoverServers(cfg: OpenApiConfig, o: DiscoverOptions = {}): Promise<{ cfg: OpenApiConfig; routing: Routing }> {
  const log = o.logger ?? silentLogger;
  const now = o.now ?? Date.now;
  const get = o.getText ?? fetchText;
  const cache = new RouteCache(o.cacheDir);
  const routing: Routing = { license: cfg.license, licenseFrom: cfg.license ? 'config' : 'none', serversFrom: 'config', note: undefined, cacheFile: cache.file };
  if (!cfg.discovery.enabled) {
    routing.note = 'discovery off (enable_dynamic_domain=false or env=SANDBOX)';
    return { cfg, routing };
  }

  if (cfg.explicitEndpoints.server && cfg.explicitEndpoints.push && cfg.license) {
    routing.note = 'server_url and socket_host_port given: no discovery';
    return { cfg, routing };
  }
  const needGarden = !(cfg.explicitEndpoints.server && cfg.explicitEndpoints.push);
  const gardenUrl = (license: string | undefined) => cfg.discovery.gardenUrl + (license === 'TBUS' ? `${cfg.discovery.gardenUrl.includes('?') ? '&' : '?'}appName=tradeup` : '');
  const notes: string[] = [];
  const lookUp = async (license: string | undefined): Promise<{ conf: DomainConf; from: 'garden' | 'cache' } | undefined> => {
    const url = gardenUrl(license);
    try {
      const conf = domainConfFrom(JSON.parse(await get(url)), cfg.env !== 'PROD');
      if (!conf) throw new Error('no openapi entry with COMMON in the answer');
      cache.saveGarden(url, conf, now());
      return { conf, from: 'garden' };
    } catch (err) {
      const cached = cache.garden(url, now());
      notes.push(`domain garden ${url} did not answer (${(err as Error).message})${cached ? `; using its answer cached ${Math.round(cached.ageMs / 60_000)} min ago` : '; using the static URLs'}`);
      return cached ? { conf: cached.conf, from: 'cache' } : undefined;
    }
  };

  let found = needGarden ? await lookUp(cfg.license) : undefined;
  let license = cfg.license;
  if (!license) {
    const at = cfg.explicitEndpoints.server ? cfg.serverUrl : found ? routesFrom(found.conf, undefined, false).tradeUrl : DEFAULT_ENDPOINTS.PROD.serverUrl;
    try {
      license = await askLicense(cfg, at, log);
      if (license) {
        routing.licenseFrom = 'server';
        cache.saveLicense(cfg.tigerId, license, now());
      } else notes.push('user_license returned no license');
    } catch (err) {
      license = cache.license(cfg.tigerId);
      notes.push(`user_license failed (${(err as Error).message})${license ? `; using the cached license ${license}` : ''}`);
      if (license) routing.licenseFrom = 'cache';
    }
    // TradeUP accounts have their own garden view (python is_us → ?appName=tradeup).
    if (license === 'TBUS' && needGarden) found = await lookUp(license);
  }
  routing.license = license;

  const paper = cfg.accountKind === 'paper';
  const staticFor = license === 'TBUS' ? DEFAULT_ENDPOINTS.TBUS : DEFAULT_ENDPOINTS.PROD;
  const routes = found ? routesFrom(found.conf, license, paper) : { tradeUrl: staticFor.serverUrl, quoteUrl: staticFor.serverUrl, push: staticFor.push };
  routing.serversFrom = cfg.explicitEndpoints.server && cfg.explicitEndpoints.push ? 'config' : found ? found.from : 'static';
  if (cfg.explicitEndpoints.server || cfg.explicitEndpoints.push) notes.push('server_url/socket_host_port from the config are kept');
  routing.note = notes.length ? notes.join('; ') : undefined;
  if (routing.note) log.info('server discovery', { note: routing.note });

  const routed: OpenApiConfig = {
    ...cfg,
    license,
    serverUrl: cfg.explicitEndpoints.server ? cfg.serverUrl : routes.tradeUrl,
    quoteServerUrl: cfg.explicitEndpoints.server ? undefined : routes.quoteUrl === routes.tradeUrl ? undefined : routes.quoteUrl,
    push: cfg.explicitEndpoints.push ? cfg.push : { ...cfg.push, host: routes.push.host, port: routes.push.port, tls: true },
  };
  return { cfg: routed, routing };
}
