/**
 * The domain-garden answer this gateway serves at `GET /garden` (`?appName=tradeup` too), shaped
 * as python tiger_open_config.py query_domains documents it, with every route pointing back at
 * this gateway under its own path, so a test can see where each request went:
 * `/` COMMON, `/sgp` TBSG, `/hkg` TBNZ, `/us` TBUS, `/{x}-quote` quotes, `/{x}-paper` paper.
 */
export function gardenAnswer(httpBase: string, pushPort: number, tradeup: boolean): unknown {
  const conf: Record<string, string | number> = { socket_port: pushPort, port: pushPort, COMMON: httpBase };
  const lic: Record<string, string> = tradeup ? { TBUS: 'us' } : { TBSG: 'sgp', TBNZ: 'hkg', TBHK: 'hk' };
  for (const [l, p] of Object.entries(lic)) {
    conf[l] = `${httpBase}/${p}`;
    conf[`${l}-QUOTE`] = `${httpBase}/${p}-quote`;
    conf[`${l}-PAPER`] = `${httpBase}/${p}-paper`;
  }
  return { ret: 0, serverTime: Date.now(), items: [{ openapi: conf, 'openapi-sandbox': { socket_port: pushPort, COMMON: httpBase } }] };
}
