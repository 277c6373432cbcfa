import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function render(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  return ' ' + JSON.stringify(fields, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v));
}

/**
 * A line logger whose every line passes through `redact`, so no key, secret_key or token can be
 * written even by a careless caller.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'debug', write: (l) => process.stderr.write(l + '\n') });
 * log.info('connected', { port: 9883 });
 * ```
 */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; scope?: string } = {}): Logger {
  const min = ORDER[opts.level ?? (process.env.POUNCE_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? ORDER.info;
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const scope = opts.scope ? `[${opts.scope}] ` : '';
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    write(redact(`${new Date().toISOString()} ${level.toUpperCase()} ${scope}${msg}${render(fields)}`));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that drops everything (library default: callers opt in to output). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
