import { ConfigError, loadConfig } from '@pounce/core';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';

/** `pounce config check`: its one declaration, read by the parser and by `--help`. */
export const CONFIG_CHECK_COMMAND = {
  name: 'config check',
  usage: '[--config FILE]',
  summary: 'Validates tiger_openapi_config.properties (or the TIGEROPEN_* environment variables) and prints what it found: ids, account kind, key format. Never prints key material.',
  options: {
    config: { type: 'string', value: 'FILE', help: 'the config file (default: $TIGEROPEN_PROPS_PATH, ./tiger_openapi_config.properties, then ~/.tigeropen/)' },
  },
  doc: 'docs/config.md',
} as const satisfies CommandSpec;

/**
 * `pounce config check [--config FILE]`: validates the config and prints what was found, never
 * key material. Returns the process exit code.
 */
export function configCheck(args: { config?: string }, out: (line: string) => void): number {
  try {
    const cfg = loadConfig({ path: args.config });
    out(`config       ${cfg.path ?? '(environment variables only)'}`);
    out(`tiger_id     ${cfg.tigerId}`);
    out(`account      ${cfg.account} (${cfg.accountKind})`);
    out(`license      ${cfg.license ?? '(not set)'}`);
    out(`env          ${cfg.env}`);
    out(`private key  ${cfg.keySource.field}: RSA ${cfg.keySource.bits}-bit, ${cfg.keySource.encoding}, ${cfg.keySource.armor === 'pem' ? 'PEM' : 'bare base64'}`);
    out(`secret_key   ${cfg.secretKey ? 'present (institutional)' : 'not set'}`);
    out(`token        ${cfg.token ? `present, expires ${new Date(cfg.token.expiresAt).toISOString()}` : 'not set'}`);
    out(`server       ${cfg.serverUrl}`);
    out(`push         ${cfg.push.tls ? 'ssl' : 'tcp'}://${cfg.push.host}:${cfg.push.port}`);
    for (const w of cfg.warnings) out(`warning: ${w}`);
    out('ok');
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      out(`config error: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
