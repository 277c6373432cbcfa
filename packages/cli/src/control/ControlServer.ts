import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { sameToken } from '@pounce/core';
import { STRATEGY_ACTIONS, type ControlOutcome, type StrategyAction } from '@pounce/runtime';
import { CONTROL_SOCKET, CONTROL_TOKEN, socketPath, type ControlReply, type ControlRequest, type ControlStatus } from './controlChannel.ts';

/** What a control server drives: a node (many strategies) or a one-strategy run. */
export interface ControlTarget {
  /** The state for `ctl status` (JSON). */
  status(): ControlStatus;
  control(action: StrategyAction, tag: string | undefined): Promise<ControlOutcome>;
  /** Journals a request refused before it reached a strategy (wrong token, unknown command). */
  refused(why: string): void;
}

const MAX_REQUEST_BYTES = 4096;
/** A connection idle this long is closed: a client that never sends must not hold the socket (nor a stop) open. */
const IDLE_MS = 10_000;

/**
 * Serves `pounce ctl` on `<dir>/ctl.sock` (mode 0600) with a new token in `<dir>/ctl.token` (mode
 * 0600). A socket left by a crashed run is replaced: the caller holds the folder's lock.
 *
 * @example
 * ```ts
 * const ctl = await ControlServer.listen(nodeDir, { status: () => node.status(), control: (a, t) => node.control(a, t!, 'ctl'), refused: (w) => node.noteRefusedControl('ctl', w) });
 * // ... at stop:
 * await ctl.stop();
 * ```
 */
export class ControlServer {
  private constructor(private readonly server: Server, private readonly dir: string, private readonly token: string, private readonly waiting: Set<Socket>) {}

  static async listen(dir: string, target: ControlTarget): Promise<ControlServer> {
    const token = randomBytes(16).toString('hex');
    const path = socketPath(dir);
    rmSync(join(dir, CONTROL_SOCKET), { force: true });
    writeFileSync(join(dir, CONTROL_TOKEN), token + '\n', { mode: 0o600 });
    chmodSync(join(dir, CONTROL_TOKEN), 0o600);
    // Connections that have not sent a whole request yet: a stop closes them (one being answered is let finish).
    const waiting = new Set<Socket>();
    const server = createServer((socket) => {
      waiting.add(socket);
      socket.once('close', () => waiting.delete(socket));
      socket.setTimeout(IDLE_MS, () => socket.destroy());
      serve(socket, token, target, () => waiting.delete(socket));
    });
    // The socket is created 0600: no moment when another user could connect.
    const umask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => resolve());
      });
    } finally {
      process.umask(umask);
    }
    chmodSync(join(dir, CONTROL_SOCKET), 0o600);
    return new ControlServer(server, dir, token, waiting);
  }

  /** Closes the socket and removes it and the token file: `ctl` then says no run is listening. */
  async stop(): Promise<void> {
    // close() waits for every open connection: an idle client must not hold the run's shutdown. One
    // being answered (a `ctl stop` that ends the run) gets its reply, then closes (or times out).
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.waiting) s.destroy();
    await closed;
    rmSync(join(this.dir, CONTROL_SOCKET), { force: true });
    rmSync(join(this.dir, CONTROL_TOKEN), { force: true });
  }
}

function serve(socket: Socket, token: string, target: ControlTarget, requested: () => void): void {
  let text = '';
  const reply = (r: ControlReply) => socket.end(JSON.stringify(r) + '\n');
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    text += chunk;
    if (text.length > MAX_REQUEST_BYTES) {
      target.refused('request too long');
      socket.destroy();
      return;
    }
    const nl = text.indexOf('\n');
    if (nl < 0) return;
    socket.removeAllListeners('data');
    requested();
    void handle(text.slice(0, nl), token, target).then(reply, (e: Error) => reply({ ok: false, text: `failed: ${e.message}` }));
  });
}

async function handle(line: string, token: string, target: ControlTarget): Promise<ControlReply> {
  let req: Partial<ControlRequest>;
  try {
    req = JSON.parse(line) as Partial<ControlRequest>;
  } catch {
    target.refused('request is not JSON');
    return { ok: false, text: 'refused: the request is not a JSON line' };
  }
  if (!sameToken(typeof req.token === 'string' ? req.token : '', token)) {
    target.refused(req.token === undefined || req.token === '' ? 'missing token' : 'wrong token');
    return { ok: false, text: 'refused: wrong or missing token' };
  }
  if (req.command === 'status') return { ok: true, text: 'status', status: target.status() };
  if (!STRATEGY_ACTIONS.includes(req.command as StrategyAction)) {
    target.refused(`unknown command ${JSON.stringify(req.command)}`);
    return { ok: false, text: `unknown command ${JSON.stringify(req.command)}: expected status, ${STRATEGY_ACTIONS.join(', ')}` };
  }
  if (req.tag !== undefined && typeof req.tag !== 'string') return { ok: false, text: 'tag: expected a string' };
  return target.control(req.command as StrategyAction, req.tag);
}
