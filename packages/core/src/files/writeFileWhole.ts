import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` to a temporary file beside `path`, then renames it over `path`: a reader (or a
 * later run after a crash) finds the old file or the new one, never half of one, and two
 * processes writing the same path at once each rename a whole file of their own. The temporary
 * name is unique per call; it is removed when the write fails. `mode` applies to a new file, as
 * in writeFileSync (0o600 for a file holding a secret).
 *
 * @example
 * ```ts
 * writeFileWhole('.pounce/token', 'token=...\n', { mode: 0o600 });
 * ```
 */
export function writeFileWhole(path: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, data, opts.mode === undefined ? undefined : { mode: opts.mode });
    renameSync(temporary, path);
  } catch (e) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The write's own error is the one to report.
    }
    throw e;
  }
}
