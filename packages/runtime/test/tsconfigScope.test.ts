import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tsconfigScope } from '../src/strategy/tsconfigScope.ts';

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-tsconfig-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('tsconfigScope: the files a tsconfig applies to, as TypeScript and tsx read it', () => {
  it('include globs (folders, *, **), exclude, files; inherited through extends, relative to the config that sets them', () => {
    const dir = project({
      'base/tsconfig.json': '{\n  // JSONC\n  "include": ["../src", "../lib/*.ts"],\n  "exclude": ["../src/gen"],\n}\n',
      'tsconfig.json': '{ "extends": "./base/tsconfig.json", "files": ["extra/one.ts"] }',
    });
    const inScope = tsconfigScope(join(dir, 'tsconfig.json'))!;
    expect(inScope(join(dir, 'src/a.ts'))).toBe(true);
    expect(inScope(join(dir, 'src/deep/b.ts'))).toBe(true);
    expect(inScope(join(dir, 'src/gen/c.ts'))).toBe(false);
    expect(inScope(join(dir, 'lib/d.ts'))).toBe(true);
    expect(inScope(join(dir, 'lib/deep/e.ts'))).toBe(false);
    expect(inScope(join(dir, 'extra/one.ts'))).toBe(true);
    expect(inScope(join(dir, 'extra/two.ts'))).toBe(false);
  });

  it('defaults: everything but node_modules without include or files; only the files given with files alone', () => {
    const all = project({ 'tsconfig.json': '{}' });
    expect(tsconfigScope(join(all, 'tsconfig.json'))!(join(all, 'x/y.ts'))).toBe(true);
    expect(tsconfigScope(join(all, 'tsconfig.json'))!(join(all, 'node_modules/p/y.ts'))).toBe(false);
    const some = project({ 'tsconfig.json': '{ "files": ["a.ts"] }' });
    expect(tsconfigScope(join(some, 'tsconfig.json'))!(join(some, 'a.ts'))).toBe(true);
    expect(tsconfigScope(join(some, 'tsconfig.json'))!(join(some, 'b.ts'))).toBe(false);
  });

  it('undefined when the chain cannot be followed (a missing base, not JSON)', () => {
    const dir = project({ 'missing.json': '{ "extends": "./nope.json" }', 'broken.json': '{ "include": [ }' });
    expect(tsconfigScope(join(dir, 'missing.json'))).toBeUndefined();
    expect(tsconfigScope(join(dir, 'broken.json'))).toBeUndefined();
  });

  it('this repo: its tsconfig names the shipped strategies', () => {
    const root = join(import.meta.dirname, '../../..');
    expect(tsconfigScope(join(root, 'tsconfig.json'))!(join(root, 'strategies/sma-cross/index.ts'))).toBe(true);
  });
});
