/**
 * A configuration problem. The message names the field and the fix; it never contains key
 * material (callers build messages from field names only).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${field}: ${problem}. ${fix}`);
  }
}
