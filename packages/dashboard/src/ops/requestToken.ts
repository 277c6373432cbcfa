import { sameToken } from '@pounce/core';
import type { IncomingMessage } from 'node:http';

/** The token a request carries: `Authorization: Bearer <token>` (what Prometheus sends), else `?token=`. */
export function requestToken(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? '';
}

/** True when the request carries `token` (compared in constant time). */
export function hasToken(req: IncomingMessage, token: string): boolean {
  return sameToken(requestToken(req), token);
}
