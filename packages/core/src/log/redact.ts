/**
 * Secrets that must never reach a log line or an error message. Config loading registers every
 * private key (in each encoding), secret_key and token here; `redact` scrubs them from any text.
 */
const secrets = new Set<string>();

/** Registers a secret (and, for base64 keys, long fragments of it so a partial paste is caught). */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6) return;
  secrets.add(value);
  const compact = value.replace(/\s+/g, '');
  if (compact.length >= 64) {
    for (let i = 0; i + 48 <= compact.length; i += 32) secrets.add(compact.slice(i, i + 48));
  }
}

const KEY_LIKE = /MII[A-Za-z0-9+/=]{40,}/g;
const SIGN_INPUT = /(secret_key["']?\s*[:=]\s*["']?)[^"'&,\s}]+/g;

/**
 * Replaces every registered secret, anything shaped like a base64 RSA key, and `secret_key`
 * values in signature inputs or JSON with `[REDACTED]`.
 *
 * @example
 * ```ts
 * redact('biz_content={"secret_key":"abc123"}'); // 'biz_content={"secret_key":"[REDACTED]"}'
 * ```
 */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out.replace(KEY_LIKE, '[REDACTED]').replace(SIGN_INPUT, '$1[REDACTED]');
}
