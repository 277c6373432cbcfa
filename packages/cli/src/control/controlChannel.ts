import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/**
 * Checks that `path` belongs to this user and no one else may read or write it; returns why not.
 * A socket or token file of another user is refused: `ctl` would hand its token to them.
 */
export function ownedPrivately(path: string, what: string): string | undefined {
  if (!existsSync(path)) return `${what} ${path} does not exist`;
  const st = lstatSync(path);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${what} ${path} belongs to uid ${st.uid}, not to you (uid ${uid}): refused, it is not your run's`;
  if ((st.mode & 0o077) !== 0) return `${what} ${path} has mode ${(st.mode & 0o777).toString(8)}: others may use it, refused (expected 600)`;
  return undefined;
}

/** The token of the run in `dir`, after checking its file is this user's alone. */
export function readControlToken(dir: string): string {
  const path = join(dir, CONTROL_TOKEN);
  const why = ownedPrivately(path, 'token file');
  if (why) throw new Error(why);
  return readFileSync(path, 'utf8').trim();
}
