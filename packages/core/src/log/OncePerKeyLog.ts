import type { Logger } from './Logger.ts';

/**
 * Warns once per distinct key (an unknown status value, a method answering unsigned), so a
 * value that repeats on every push does not flood the log. Remembers at most `maxKeys` keys;
 * past that, new keys are no longer logged.
 *
 * @example
 * ```ts
 * const once = new OncePerKeyLog(createLogger());
 * once.warn('Weird', 'unknown order status', { status: 'Weird' }); // logged
 * once.warn('Weird', 'unknown order status', { status: 'Weird' }); // not logged again
 * ```
 */
export class OncePerKeyLog {
  private readonly seen = new Set<string>();

  constructor(private readonly log: Logger, private readonly maxKeys = 256) {}

  /** Logs `msg` unless `key` was logged before; true when it was logged now. */
  warn(key: string, msg: string, fields?: Record<string, unknown>): boolean {
    if (this.seen.has(key) || this.seen.size >= this.maxKeys) return false;
    this.seen.add(key);
    this.log.warn(msg, fields);
    return true;
  }
}
