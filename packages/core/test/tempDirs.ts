import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Temp folders for a test file, each removed after the test that made it. Call it at the top of
 * the file, before its own afterEach: after-hooks run last-registered first, so a run still
 * writing into a folder is stopped before the folder goes. Here in core's tests so that every
 * package's tests can use it (the gateway's test helpers re-export it).
 */
export function tempDirs(): (prefix: string) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
