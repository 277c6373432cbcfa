import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Temporary project folders for a test file, removed (and TSX_TSCONFIG_PATH cleared) after each
 * test. `project(files, { nodeModules })` writes the files (paths relative to the folder).
 */
export function tempProjects(prefix: string): (files: Record<string, string>, o?: { nodeModules?: boolean }) => string {
  const folders: string[] = [];
  afterEach(() => {
    for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
    delete process.env.TSX_TSCONFIG_PATH;
  });
  return (files, o = {}) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    folders.push(dir);
    if (o.nodeModules) mkdirSync(join(dir, 'node_modules'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
}
