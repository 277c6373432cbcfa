import { parseWebhookTarget, WEBHOOK_PRESETS, type WebhookTarget } from '@pounce/dashboard';
import type { LogFormat, LogLevel } from '@pounce/core';
import { numberFlag } from '../commands/gateway.ts';

/** The flags `strategy` and `node` share for running unattended: logs, metrics, notifications. */
export const OPS_OPTIONS = {
  'log-level': { type: 'string', choices: ['debug', 'info', 'warn', 'error'], help: 'log level (default warn)' },
  'log-format': { type: 'string', choices: ['text', 'json'], help: 'log lines as text (default) or one JSON object a line (time, level, msg, scope, fields)' },
  'log-file': { type: 'string', value: 'PATH', help: 'write log lines to PATH instead of stderr, rotated by size' },
  'log-max-size': { type: 'string', value: 'SIZE', help: 'with --log-file: rotate before the file passes SIZE (bytes, or 512KB, 10MB; default 10MB)' },
  'log-keep': { type: 'string', value: 'N', help: 'with --log-file: files kept in all, the current one included (default 5)' },
  'metrics-port': { type: 'string', value: 'PORT', help: 'serve /healthz and /metrics (Prometheus) on 127.0.0.1:PORT, token required (0 picks a free port)' },
  'metrics-token-file': { type: 'string', value: 'FILE', help: 'the token of /metrics, /healthz and the dashboard: read from FILE, created there (mode 600) if absent; default a new one per run' },
  notify: { type: 'string', multiple: true, value: 'PRESET=URL', help: `POST fills, halts, disconnects and errors to URL; PRESET ${WEBHOOK_PRESETS.join('|')} (see docs/operations.md)` },
  'telegram-chat-id': { type: 'string', value: 'ID', help: 'the chat a --notify telegram=URL posts to' },
} as const;

export interface OpsSettings {
  level: LogLevel;
  format: LogFormat;
  logFile: { path: string; maxBytes: number; keep: number } | undefined;
  metricsPort: number | undefined;
  tokenFile: string | undefined;
  webhooks: WebhookTarget[];
}

type OpsValues = { [K in keyof typeof OPS_OPTIONS]?: (typeof OPS_OPTIONS)[K] extends { multiple: true } ? string[] : string };

/** `10MB`, `512KB`, `1GB` or a number of bytes. */
export function parseSize(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(v.trim());
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[(m?.[2] ?? 'B').toUpperCase() as 'B'];
  const n = m ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(n >= 1024)) throw new Error(`--${flag}: expected a size of at least 1KB (bytes, or with KB, MB, GB), got "${v}"`);
  return n;
}

/** Checks the shared flags (before anything starts) and returns what they ask for. */
export function parseOpsFlags(v: OpsValues): OpsSettings {
  const level = (v['log-level'] ?? 'warn') as LogLevel;
  const format = (v['log-format'] ?? 'text') as LogFormat;
  if (v['log-file'] === undefined && (v['log-max-size'] !== undefined || v['log-keep'] !== undefined)) throw new Error('--log-max-size and --log-keep go with --log-file');
  const logFile = v['log-file'] === undefined ? undefined : {
    path: v['log-file'],
    maxBytes: v['log-max-size'] === undefined ? 10 * 1024 ** 2 : parseSize('log-max-size', v['log-max-size']),
    keep: numberFlag('log-keep', v['log-keep'], 5, (n) => Number.isInteger(n) && n >= 1 && n <= 1000),
  };
  const metricsPort = v['metrics-port'] === undefined ? undefined : numberFlag('metrics-port', v['metrics-port'], 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535);
  const webhooks = (v.notify ?? []).map((spec, k) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new Error(`--notify: expected PRESET=URL with PRESET one of ${WEBHOOK_PRESETS.join(', ')}, got a value without "PRESET="`);
    const preset = spec.slice(0, eq);
    if (preset === 'telegram' && v['telegram-chat-id'] === undefined) throw new Error(`--notify #${k + 1}: the telegram preset needs --telegram-chat-id ID (the chat to post to)`);
    return parseWebhookTarget({ preset, url: spec.slice(eq + 1), chatId: preset === 'telegram' ? v['telegram-chat-id'] : undefined }, `--notify #${k + 1}`);
  });
  if (v['telegram-chat-id'] !== undefined && !webhooks.some((w) => w.preset === 'telegram')) throw new Error('--telegram-chat-id goes with --notify telegram=URL');
  return { level, format, logFile, metricsPort, tokenFile: v['metrics-token-file'], webhooks };
}

export const OPS_FLAG_NAMES = Object.keys(OPS_OPTIONS) as Array<keyof typeof OPS_OPTIONS>;
