import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunMetrics } from './RunMetrics.ts';
import { runHealth } from './runHealth.ts';
import type { WatchedRun } from './WatchedRun.ts';

/**
 * Extra routes an already authorized request may match: true when one answered it. The dashboard
 * server and `OpsServer` both mount them.
 */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

/** `GET /healthz` (JSON, 200 healthy, 503 not) and `GET /metrics` (Prometheus text format). */
export function opsRoutes(run: WatchedRun, metrics: RunMetrics): ExtraRoutes {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/healthz') {
      const h = runHealth(run, metrics);
      res.writeHead(h.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(h));
      return true;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
        (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${e.message}`),
      );
      return true;
    }
    return false;
  };
}
