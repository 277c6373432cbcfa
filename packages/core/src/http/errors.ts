/** Base of every error the OpenAPI client raises. */
export class OpenApiError extends Error {
  override name = 'OpenApiError';
  constructor(message: string, readonly method: string | undefined) {
    super(message);
  }
}

/** The gateway answered with a non-zero `code`. Subclasses say which family (protocol.md 3.7). */
export class ApiResponseError extends OpenApiError {
  override name = 'ApiResponseError';
  constructor(readonly code: number, readonly serverMessage: string, method: string | undefined) {
    super(`${method ?? 'request'} failed: code ${code}: ${serverMessage}`, method);
  }
}
export class CommonParamError extends ApiResponseError { override name = 'CommonParamError'; }
export class BizParamError extends ApiResponseError { override name = 'BizParamError'; }
export class TradeError extends ApiResponseError { override name = 'TradeError'; }
export class QuoteError extends ApiResponseError { override name = 'QuoteError'; }
export class TokenError extends ApiResponseError { override name = 'TokenError'; }
export class PermissionError extends ApiResponseError { override name = 'PermissionError'; }
export class ServerError extends ApiResponseError { override name = 'ServerError'; }
/** Throttled by the gateway (code 5, HTTP 429, or code 4 with "rate limit" in the message). */
export class RateLimitError extends ApiResponseError { override name = 'RateLimitError'; }

/** The request never got a usable answer: connection refused/reset, non-JSON body, HTTP 5xx. */
export class TransportError extends OpenApiError {
  override name = 'TransportError';
  constructor(message: string, method: string | undefined, readonly status?: number) {
    super(message, method);
  }
}
/** No answer in time. For writes the outcome is unknown: look the order up before acting. */
export class RequestTimeoutError extends OpenApiError { override name = 'RequestTimeoutError'; }
/** The reply's `sign` was missing or did not verify against the configured server key. */
export class ResponseSignatureError extends OpenApiError { override name = 'ResponseSignatureError'; }

/**
 * Maps a response code to its typed error (ranges as in the Go/TS SDKs).
 *
 * @example
 * ```ts
 * errorForCode(1010, 'bad begin_time', 'kline') instanceof BizParamError; // true
 * ```
 */
export function errorForCode(code: number, message: string, method: string | undefined): ApiResponseError {
  if (code === 5 || (code === 4 && /rate limit/i.test(message))) return new RateLimitError(code, message, method);
  if (code === 1 || code === 2) return new ServerError(code, message, method);
  if (code === 4) return new PermissionError(code, message, method);
  if (code >= 1000 && code <= 1009) return new CommonParamError(code, message, method);
  if (code >= 1010 && code <= 1099) return new BizParamError(code, message, method);
  if (code >= 1100 && code <= 2099) return new TradeError(code, message, method);
  if (code >= 2100 && code <= 2399) return new QuoteError(code, message, method);
  if (code >= 2400 && code <= 3999) return new TokenError(code, message, method);
  if (code >= 4000 && code <= 4999) return new PermissionError(code, message, method);
  return new ApiResponseError(code, message, method);
}
