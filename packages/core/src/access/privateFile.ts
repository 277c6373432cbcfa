import { existsSync, lstatSync, readFileSync } from 'node:fs';

/**
 * Checks that `path` belongs to this user and no one else may read or write it; returns why not
 * (naming the fix), undefined when it is private. A token file or socket of another user, or one
 * others may read, is refused: its token would not be a secret, or would be handed to them.
 *
 * @example
 * ```ts
 * const why = ownedPrivately('/home/trader/.pounce/metrics.token', '--metrics-token-file');
 * if (why) throw new Error(why);
 * ```
 */
export function ownedPrivately(path: string, what: string): string | undefined {
  if (!existsSync(path)) return `${what} ${path} does not exist`;
  const st = lstatSync(path);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${what} ${path} belongs to uid ${st.uid}, not to you (uid ${uid}): refused, it is not yours`;
  if ((st.mode & 0o077) !== 0) return `${what} ${path} has mode ${(st.mode & 0o777).toString(8)}: others may use it, refused (expected 600: chmod 600 ${path})`;
  return undefined;
}

/** What a token read from a file must look like: at least 16 URL-safe characters. */
const TOKEN = /^[A-Za-z0-9._~-]{16,}$/;

/**
 * The token on the first line of `path`, after checking the file is this user's alone
 * (`ownedPrivately`) and the token is at least 16 letters, digits or `._~-`. `what` names the
 * file in errors (a flag, `token file`).
 *
 * @example
 * ```ts
 * const token = readPrivateToken('/home/trader/.pounce/metrics.token', '--metrics-token-file');
 * ```
 */
export function readPrivateToken(path: string, what: string): string {
  const why = ownedPrivately(path, what);
  if (why) throw new Error(why);
  const token = readFileSync(path, 'utf8').split('\n')[0]!.trim();
  if (!TOKEN.test(token)) throw new Error(`${what} ${path}: expected a token of at least 16 letters, digits or ._~- on its first line`);
  return token;
}
