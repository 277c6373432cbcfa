import type { Logger } from '@pounce/core';
import type { NotificationSink } from './RunNotifications.ts';

/**
 * A logger whose error lines are also sent as `error` notifications (the message and its
 * fields' text; the notifier redacts the body before it leaves).
 */
export function notifyingLogger(log: Logger, sink: NotificationSink, strategy?: string): Logger {
  return {
    debug: (m, f) => log.debug(m, f),
    info: (m, f) => log.info(m, f),
    warn: (m, f) => log.warn(m, f),
    error: (m, f) => {
      log.error(m, f);
      const details = f ? Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v instanceof Error ? v.message : typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | boolean | null | undefined) ?? null])) : undefined;
      sink.notify({ kind: 'error', time: new Date().toISOString(), ...(strategy ? { strategy } : {}), text: m, ...(details ? { details } : {}) });
    },
  };
}
