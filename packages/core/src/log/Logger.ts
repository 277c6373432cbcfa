import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** How a line is written: `text` for a terminal, `json` (one object a line) for a log collector. */
export type LogFormat = 'text' | 'json';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** One JSON log line (`format: 'json'`). */
export interface JsonLogLine {
  time: string;
  level: LogLevel;
  msg: string;
  scope?: string;
  fields?: Record<string, unknown>;
}

const jsonValue = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v);

function render(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  return ' ' + JSON.stringify(fields, jsonValue);
}

function redactedJson(v: object): string {
  try {
    return redact(JSON.stringify(v, jsonValue));
  } catch {
    return '[unserializable]';
  }
}

/**
 * Every string in a value passed through `redact`, before it is serialized: a secret inside a
 * string that holds JSON (a signature input) would be escaped past `redact`'s patterns once the
 * whole line is serialized.
 */
function redactDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return redact(v);
  if (v instanceof Error) return redact(v.message);
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return v;
  // Past the depth limit the rest goes as one redacted JSON string: never unredacted.
  if (depth > 8) return redactedJson(v);
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, depth + 1)]));
}

/**
 * A line logger whose every line passes through `redact`, so no key, secret_key or token can be
 * written even by a careless caller. `format: 'json'` writes one `JsonLogLine` object a line,
 * every string in it redacted.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'debug', write: (l) => process.stderr.write(l + '\n') });
 * log.info('connected', { port: 9883 });
 * const json = createLogger({ format: 'json', scope: 'node' });
 * json.warn('reconnecting', { attempt: 2 }); // {"time":"...","level":"warn","msg":"reconnecting","scope":"node","fields":{"attempt":2}}
 * ```
 */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; scope?: string; format?: LogFormat } = {}): Logger {
  const min = ORDER[opts.level ?? (process.env.POUNCE_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? ORDER.info;
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const scope = opts.scope ? `[${opts.scope}] ` : '';
  const text = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => redact(`${new Date().toISOString()} ${level.toUpperCase()} ${scope}${msg}${render(fields)}`);
  const json = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    const line: JsonLogLine = { time: new Date().toISOString(), level, msg: redact(msg) };
    if (opts.scope) line.scope = opts.scope;
    if (fields) line.fields = redactDeep(fields) as Record<string, unknown>;
    return JSON.stringify(line, jsonValue);
  };
  const format = opts.format === 'json' ? json : text;
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    write(format(level, msg, fields));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that drops everything (library default: callers opt in to output). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
