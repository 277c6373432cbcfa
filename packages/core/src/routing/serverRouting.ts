/**
 * Server routing from a domain-garden answer, as the official SDKs do it (python
 * tiger_open_config.py refresh_server_info/_get_domain_by_type, java util/NetworkUtil.java
 * convertBizType): trade → `{LICENSE}` (paper accounts `{LICENSE}-PAPER`), quotes →
 * `{LICENSE}-QUOTE`, anything missing → `COMMON`; the push host is COMMON's host on `socket_port`.
 */
export interface DomainConf {
  readonly [key: string]: string | number | undefined;
}

export interface Routes {
  tradeUrl: string;
  quoteUrl: string;
  push: { host: string; port: number };
}

const GATEWAY_SUFFIX = '/gateway';

/**
 * The `openapi` (or `openapi-sandbox`) object of the garden's first item carrying one, as the
 * python SDK's query_domains reads `{"ret":0,"items":[{"openapi":{...}}]}`. Undefined when the
 * answer has none.
 */
export function domainConfFrom(body: unknown, sandbox = false): DomainConf | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const items = (body as { items?: unknown }).items;
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    const conf = item && typeof item === 'object' ? (item as Record<string, unknown>)[sandbox ? 'openapi-sandbox' : 'openapi'] : undefined;
    if (conf && typeof conf === 'object' && typeof (conf as Record<string, unknown>).COMMON === 'string') return conf as DomainConf;
  }
  return undefined;
}

/**
 * Routes for a license (undefined: COMMON only) and account kind.
 *
 * @example
 * ```ts
 * routesFrom({ COMMON: 'https://openapi.tigerfintech.com', TBNZ: 'https://openapi.tigerfintech.com/hkg', socket_port: 9883 }, 'TBNZ', false).tradeUrl;
 * // 'https://openapi.tigerfintech.com/hkg/gateway'
 * ```
 */
export function routesFrom(conf: DomainConf, license: string | undefined, paper: boolean): Routes {
  const common = String(conf.COMMON);
  const pick = (key: string) => (typeof conf[key] === 'string' ? (conf[key] as string) : common);
  const trade = license ? pick(paper ? `${license}-PAPER` : license) : common;
  const quote = license ? pick(`${license}-QUOTE`) : common;
  const url = new URL(common);
  const port = Number(conf.socket_port);
  return {
    tradeUrl: trade.replace(/\/$/, '') + GATEWAY_SUFFIX,
    quoteUrl: quote.replace(/\/$/, '') + GATEWAY_SUFFIX,
    push: { host: url.hostname, port: Number.isInteger(port) && port > 0 ? port : 9883 },
  };
}
