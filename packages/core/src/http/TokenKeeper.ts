import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseTokenFile, type TbhkToken } from '../config/tokenFile.ts';
import { registerSecret } from '../log/redact.ts';
import { silentLogger, type Logger } from '../log/Logger.ts';
import { OpenApiError } from './errors.ts';
import { writeFileWhole } from '../files/writeFileWhole.ts';

/** The TBHK token's own expiry has passed: the request was not sent. */
export class TokenExpiredError extends OpenApiError {
  override name = 'TokenExpiredError';
  constructor(readonly expiredAt: number, method: string | undefined) {
    super(`${method ?? 'request'} not sent: the TBHK token in tiger_openapi_token.properties expired at ${new Date(expiredAt).toISOString()}. ` +
      'Fix: download a new tiger_openapi_token.properties from the developer portal into the config folder; set token_refresh_duration ' +
      '(seconds, e.g. 432000) so Pounce refreshes it with user_token_refresh before it expires', method);
  }
}

export interface TokenKeeperOptions {
  token: TbhkToken | undefined;
  /** The token file: re-read when another process refreshed it, rewritten after a refresh. */
  path: string | undefined;
  /** python token_refresh_duration: refresh once the token is older than this many seconds; 0 = never. */
  refreshAfterSeconds: number;
  logger?: Logger;
}

/**
 * The TBHK `Authorization` token: its expiry, refresh by `user_token_refresh` as the python SDK
 * schedules it (tiger_open_client.py: every 5 min, refresh when now - created > token_refresh_duration;
 * store_token rewrites the file), and re-reading the file another process refreshed (python
 * __monitor_token, java addTokenFileWatch).
 */
export class TokenKeeper {
  private token: TbhkToken | undefined;
  private fileMtime = 0;
  private readonly log: Logger;

  constructor(private readonly o: TokenKeeperOptions) {
    this.token = o.token;
    this.log = o.logger ?? silentLogger;
    this.fileMtime = this.mtime();
  }

  get current(): TbhkToken | undefined {
    return this.token;
  }

  private mtime(): number {
    return this.o.path ? statMs(this.o.path) : 0;
  }

  /** Re-reads the token file when it changed on disk (another process refreshed it). */
  reload(): boolean {
    if (!this.o.path) return false;
    const m = statMs(this.o.path);
    if (m === 0 || m === this.fileMtime) return false;
    this.fileMtime = m;
    try {
      const t = parseTokenFile(readFileSync(this.o.path, 'utf8'));
      registerSecret(t.token);
      const changed = t.token !== this.token?.token;
      this.token = t;
      if (changed) this.log.info('TBHK token re-read from its file', { expiresAt: new Date(t.expiresAt).toISOString() });
      return changed;
    } catch (err) {
      this.log.warn('TBHK token file unreadable; keeping the token in memory', { error: (err as Error).message });
      return false;
    }
  }

  /** The header value for a request, or TokenExpiredError (after re-reading the file once). */
  headerFor(method: string, now: number): string | undefined {
    if (!this.token) return undefined;
    if (this.token.expiresAt <= now) {
      this.reload();
      if (this.token.expiresAt <= now) throw new TokenExpiredError(this.token.expiresAt, method);
    }
    return this.token.token;
  }

  /** Python should_token_refresh: a token, a non-zero duration, and older than it. */
  refreshDue(now: number): boolean {
    return this.token !== undefined && this.o.refreshAfterSeconds > 0 && now - this.token.createdAt > this.o.refreshAfterSeconds * 1000;
  }

  /** Takes a refreshed token and rewrites the file (python store_token). */
  accept(tokenText: string): TbhkToken {
    const t = parseTokenFile(`token=${tokenText}`);
    registerSecret(t.token);
    this.token = t;
    if (this.o.path) {
      writeFileWhole(this.o.path, `token=${t.token}\n`, { mode: 0o600 });
      this.fileMtime = statMs(this.o.path);
    }
    this.log.info('TBHK token refreshed', { expiresAt: new Date(t.expiresAt).toISOString(), file: this.o.path ?? 'memory only' });
    return t;
  }
}

function statMs(path: string): number {
  try {
    return existsSync(path) ? Math.round(statSync(path).mtimeMs) : 0;
  } catch {
    return 0;
  }
}
