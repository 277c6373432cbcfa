import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DashboardPortError } from '../DashboardServer.ts';
import type { ExtraRoutes } from './opsRoutes.ts';
import { hasToken } from './requestToken.ts';

/**
 * `/healthz` and `/metrics` on 127.0.0.1 without the dashboard page (`--metrics-port`): what a
 * Prometheus scraper and a service supervisor need, behind the run's token like the dashboard.
 *
 * @example
 * ```ts
 * const ops = await OpsServer.listen({ port: 9464, token });
 * ops.mount(opsRoutes(run, metrics));
 * ```
 */
export class OpsServer {
  port = 0;
  private routes: ExtraRoutes | undefined;

  private constructor(private readonly server: Server) {}

  /** Opens the port (before the run touches its venue: a busy port stops the start). */
  static async listen(o: { port: number; token: string; onError?: (e: Error) => void }): Promise<OpsServer> {
    let self: OpsServer | undefined;
    const server = createServer((req, res) => {
      if (!hasToken(req, o.token)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong or missing token: send Authorization: Bearer <token> (or ?token=)');
        return;
      }
      if (!self?.routes) res.writeHead(503, { 'content-type': 'text/plain' }).end('starting: the run has not started yet');
      else if (req.method !== 'GET' || !self.routes(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /healthz or /metrics');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(new DashboardPortError(e.code === 'EADDRINUSE'
          ? `--metrics-port ${o.port}: 127.0.0.1:${o.port} is already in use (EADDRINUSE); stop what uses it, or pass another port (0 picks a free one)`
          : `--metrics-port ${o.port}: cannot listen on 127.0.0.1:${o.port}: ${e.message}`));
      });
      server.listen(o.port, '127.0.0.1', () => resolve());
    });
    server.on('error', (e) => o.onError?.(e));
    self = new OpsServer(server);
    self.port = (server.address() as AddressInfo).port;
    return self;
  }

  /** The routes to serve (mounted once the run has started; until then every path answers 503). */
  mount(routes: ExtraRoutes): void {
    this.routes = routes;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
