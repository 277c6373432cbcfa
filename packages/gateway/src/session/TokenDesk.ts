import { GatewayError } from '../http/GatewayError.ts';

/** The code java TigerApiCode names USER_RESPONSE_ERROR(2400, "user token error"). */
export const TOKEN_ERROR = { code: 2400, message: 'user token error' } as const;

/** A TBHK-shaped token: base64 of `<created ms>,<expiry ms>,<nonce>` (config/tokenFile.ts reads it). */
export function makeToken(createdAt: number, expiresAt: number): string {
  return Buffer.from(`${createdAt},${expiresAt},${Math.random().toString(36).slice(2, 10)}`).toString('base64');
}

/**
 * TBHK token checks, off unless `required`: every request must carry (as `Authorization`) a token
 * this gateway issued that has not expired; `user_token_refresh` issues a new one.
 */
export class TokenDesk {
  required = false;
  /** Lifetime of tokens issued by `issue` and `user_token_refresh`. */
  lifetimeMs = 30 * 24 * 3600_000;
  private readonly issued = new Map<string, number>();

  /** A token valid for `lifetimeMs` from `now` (or expiring at `expiresAt`). */
  issue(now = Date.now(), expiresAt = now + this.lifetimeMs): string {
    const t = makeToken(now, expiresAt);
    this.issued.set(t, expiresAt);
    return t;
  }

  check(authorization: string | undefined, now = Date.now()): void {
    if (!this.required) return;
    const exp = authorization ? this.issued.get(authorization) : undefined;
    if (exp === undefined || exp <= now) throw new GatewayError(TOKEN_ERROR.code, TOKEN_ERROR.message);
  }

  refresh(authorization: string | undefined, now = Date.now()): { token: string } {
    this.check(authorization, now);
    return { token: this.issue(now) };
  }
}
