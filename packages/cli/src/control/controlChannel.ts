import { join, relative } from 'node:path';
import { ownedPrivately, readPrivateToken } from '@pounce/core';
import type { NodeStatus } from '@pounce/runtime';

/**
 * The control channel of a running node or strategy run: a Unix domain socket in its folder, mode
 * 0600, plus a token file beside it, mode 0600, whose token every request carries. Why a socket:
 * the kernel refuses other users at connect (loopback TCP is open to every local user), it needs no
 * port, and `ctl` can check who owns it before it sends anything. The token adds a second lock that
 * a process of the same user must read from the folder.
 */
export const CONTROL_SOCKET = 'ctl.sock';
export const CONTROL_TOKEN = 'ctl.token';

/** One request: one JSON line from `ctl`; one JSON line back, then the server closes. */
export interface ControlRequest {
  token: string;
  command: string;
  tag?: string;
}

/** What `ctl status` answers: a node's strategies and account, or a one-strategy run's one strategy (no account). */
export type ControlStatus = Pick<NodeStatus, 'strategies'> & Partial<Pick<NodeStatus, 'account'>>;

export interface ControlReply {
  ok: boolean;
  text: string;
  status?: ControlStatus;
}

/**
 * Parses the one JSON line a run answers; an error names what was expected. The status's own
 * fields are the run's (the same program): only its shape is checked.
 */
export function parseControlReply(text: string): ControlReply {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`control socket: the run answered something that is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('control socket: expected a JSON object { ok, text, status? } as the reply');
  const r = v as Record<string, unknown>;
  if (typeof r.ok !== 'boolean') throw new Error(`control socket reply: ok: expected true or false, got ${JSON.stringify(r.ok)}`);
  if (typeof r.text !== 'string') throw new Error(`control socket reply: text: expected a string, got ${JSON.stringify(r.text)}`);
  if (r.status === undefined) return { ok: r.ok, text: r.text };
  const st = r.status as Record<string, unknown> | null;
  if (st === null || typeof st !== 'object' || !Array.isArray(st.strategies)) throw new Error('control socket reply: status: expected an object with a strategies list');
  return { ok: r.ok, text: r.text, status: st as unknown as ControlStatus };
}

/** Longest socket path bind/connect take (sun_path is 108 bytes on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH = 103;

/**
 * The path to bind or connect the folder's socket by: absolute when it fits in sun_path, else
 * relative to the working folder when that fits; else an error saying what to do.
 */
export function socketPath(dir: string): string {
  const abs = join(dir, CONTROL_SOCKET);
  if (Buffer.byteLength(abs) <= MAX_SOCKET_PATH) return abs;
  const rel = relative(process.cwd(), abs);
  if (Buffer.byteLength(rel) <= MAX_SOCKET_PATH) return rel.startsWith('.') ? rel : `./${rel}`;
  throw new Error(`control socket ${abs} is ${Buffer.byteLength(abs)} bytes long, more than a Unix socket path may be (${MAX_SOCKET_PATH}); use a shorter --run-dir, or run from a folder nearer to it`);
}

/** Checks that a socket or token file is this user's alone (shared with `--metrics-token-file`). */
export { ownedPrivately };

/** The token of the run in `dir`, after checking its file is this user's alone. */
export function readControlToken(dir: string): string {
  return readPrivateToken(join(dir, CONTROL_TOKEN), 'token file');
}
