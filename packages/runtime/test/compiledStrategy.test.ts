import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledStrategyUrl } from '../src/strategy/compiledStrategy.ts';

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

/** A folder with a `node_modules` of its own (where imports resolve), holding the given files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-compiled-'));
  folders.push(dir);
  mkdirSync(join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const STRATEGY = [
  "import { join } from 'node:path';",
  'export const where: string = import.meta.url;',
  'export const folder: string = join(import.meta.dirname, ".");',
  "enum Side { Buy = 'BUY' }",
  'export const side: string = Side.Buy;',
  "export function fail(): never { throw new Error('boom'); }",
  '',
].join('\n');

describe('compiledStrategyUrl', () => {
  it('compiles a one-file TypeScript strategy into node_modules/.cache, keeping import.meta and .ts line numbers', async () => {
    const dir = project({ 'strategies/s/index.ts': STRATEGY });
    const file = join(dir, 'strategies/s/index.ts');
    const url = await compiledStrategyUrl(file);
    expect(url).toBeDefined();
    expect(dirname(fileURLToPath(url!))).toBe(join(dir, 'node_modules/.cache/pounce/strategies'));
    const mod = (await import(url!)) as { where: string; folder: string; side: string; fail: () => never };
    expect(mod.where).toBe(pathToFileURL(file).href);
    expect(mod.folder).toBe(join(dir, 'strategies/s'));
    expect(mod.side).toBe('BUY');
    process.setSourceMapsEnabled(true);
    let stack = '';
    try {
      mod.fail();
    } catch (e) {
      stack = (e as Error).stack ?? '';
    }
    expect(stack).toContain(`${file}:6:`);
  });

  it('reuses the kept module while the source is unchanged, and replaces it when it changes', async () => {
    const dir = project({ 'a.ts': STRATEGY });
    const file = join(dir, 'a.ts');
    const first = await compiledStrategyUrl(file);
    const made = statSync(fileURLToPath(first!)).mtimeMs;
    expect(await compiledStrategyUrl(file)).toBe(first);
    expect(statSync(fileURLToPath(first!)).mtimeMs).toBe(made);
    writeFileSync(file, `${STRATEGY}export const more = 1;\n`);
    const second = await compiledStrategyUrl(file);
    expect(second).not.toBe(first);
    expect(((await import(second!)) as { more: number }).more).toBe(1);
    // The module before the current one is kept (a process may have just been handed it); older ones go.
    expect(existsSync(fileURLToPath(first!))).toBe(true);
    writeFileSync(file, `${STRATEGY}export const more = 2;\n`);
    const third = await compiledStrategyUrl(file);
    expect(((await import(third!)) as { more: number }).more).toBe(2);
    expect(existsSync(fileURLToPath(first!))).toBe(false);
    expect(readdirSync(join(dir, 'node_modules/.cache/pounce/strategies')).filter((f) => f.endsWith('.mjs')).sort()).toEqual([second, third].map((u) => basename(fileURLToPath(u!))).sort());
  });

  it('compiles again when what compiles or resolves a file changes: a tsconfig it extends (array form), its package.json imports map', async () => {
    const dir = project({
      'tsconfig.json': '{\n  // comments are allowed\n  "extends": ["./base.json"],\n}\n',
      'base.json': '{ "compilerOptions": { "useDefineForClassFields": false } }\n',
      'package.json': '{ "imports": { "#lib": "./lib/a.ts" } }\n',
      'lib/a.ts': 'export const which = "a";\n',
      'lib/b.ts': 'export const which = "b";\n',
      's.ts': "import { which } from '#lib';\nclass C { x!: number; }\nexport const own = Object.hasOwn(new C(), 'x');\nexport { which };\n",
    });
    const file = join(dir, 's.ts');
    const first = await compiledStrategyUrl(file);
    expect(await import(first!)).toMatchObject({ own: false, which: 'a' });
    writeFileSync(join(dir, 'base.json'), '{ "compilerOptions": { "useDefineForClassFields": true } }\n');
    const second = await compiledStrategyUrl(file);
    expect(second).not.toBe(first);
    expect(await import(second!)).toMatchObject({ own: true, which: 'a' });
    writeFileSync(join(dir, 'package.json'), '{ "imports": { "#lib": "./lib/b.ts" } }\n');
    const third = await compiledStrategyUrl(file);
    expect(await import(third!)).toMatchObject({ own: true, which: 'b' });
  });

  it('a strategy reached through a symlink that is pointed elsewhere is compiled again', async () => {
    const dir = project({ 'v1/s.ts': 'export const v = 1;\n', 'v2/s.ts': 'export const v = 2;\n' });
    const link = join(dir, 'current.ts');
    symlinkSync(join(dir, 'v1/s.ts'), link);
    expect(((await import((await compiledStrategyUrl(link))!)) as { v: number }).v).toBe(1);
    rmSync(link);
    symlinkSync(join(dir, 'v2/s.ts'), link);
    expect(((await import((await compiledStrategyUrl(link))!)) as { v: number }).v).toBe(2);
  });

  it('bundles the files of its own a strategy imports, and compiles again when one of them changes', async () => {
    const dir = project({ 'multi.ts': "import { x } from './lib/part.ts';\nexport const y: number = x * 2;\n", 'lib/part.ts': 'export const x: number = 1;\n' });
    const first = await compiledStrategyUrl(join(dir, 'multi.ts'));
    expect(((await import(first!)) as { y: number }).y).toBe(2);
    expect(await compiledStrategyUrl(join(dir, 'multi.ts'))).toBe(first);
    writeFileSync(join(dir, 'lib/part.ts'), 'export const x: number = 21;\n');
    const second = await compiledStrategyUrl(join(dir, 'multi.ts'));
    expect(second).not.toBe(first);
    expect(((await import(second!)) as { y: number }).y).toBe(42);
  });

  it('leaves to tsx what would not run as under tsx, and remembers that while the files are unchanged', async () => {
    const dir = project({
      'meta.ts': "import { x } from './part.ts';\nexport const y = x;\n", 'part.ts': 'export const x = import.meta.url;\n',
      'resolve.ts': "export const r = import.meta.resolve('./data.json');\n",
      'dynamic.ts': 'export const load = (n: string) => import(`./params/${n}.ts`);\n', 'params/a.ts': 'export const a = 1;\n',
      'broken.ts': 'export const = ;\n',
      'nested/node_modules/.keep': '', 'nested/inner.ts': 'export const inner = 1;\n', 'outer.ts': "export { inner } from './nested/inner.ts';\n",
      // The package's own name: from node_modules/.cache it would not resolve.
      'package.json': '{ "name": "my-strats", "exports": { "./lib": "./lib.js" } }\n', 'lib.js': 'module.exports = 1;\n', 'self.ts': "export { default } from 'my-strats/lib';\n",
    });
    for (const name of ['meta.ts', 'resolve.ts', 'dynamic.ts', 'broken.ts', 'outer.ts', 'self.ts']) expect(await compiledStrategyUrl(join(dir, name)), name).toBeUndefined();
    const records = readdirSync(join(dir, 'node_modules/.cache/pounce/strategies')).filter((f) => f.endsWith('.json'));
    const why = records.map((f) => (JSON.parse(readFileSync(join(dir, 'node_modules/.cache/pounce/strategies', f), 'utf8')) as { why?: string }).why ?? '');
    expect(why).toHaveLength(5);
    expect(why).toEqual(expect.arrayContaining([
      expect.stringMatching(/dynamic\.ts has a dynamic import/), expect.stringMatching(/inner\.ts resolves packages from another node_modules/),
      expect.stringMatching(/part\.ts reads import\.meta/), expect.stringMatching(/resolve\.ts reads import\.meta/), expect.stringMatching(/self\.ts: "my-strats\/lib" resolves differently/),
    ]));
    expect(readdirSync(join(dir, 'node_modules/.cache/pounce/strategies')).filter((f) => f.endsWith('.mjs'))).toEqual([]);
    // Remembered: asked again with the files unchanged, the answer comes from the record, not a new build.
    const stamps = () => records.map((f) => statSync(join(dir, 'node_modules/.cache/pounce/strategies', f)).mtimeMs);
    const before = stamps();
    for (const name of ['meta.ts', 'resolve.ts', 'dynamic.ts', 'outer.ts', 'self.ts']) expect(await compiledStrategyUrl(join(dir, name))).toBeUndefined();
    expect(stamps()).toEqual(before);
  });

  it('leaves to tsx a strategy with no node_modules folder above it, and one whose cache folder cannot be written', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'pounce-compiled-bare-'));
    folders.push(bare);
    writeFileSync(join(bare, 's.ts'), 'export const s = 1;\n');
    const above = (d: string): boolean => existsSync(join(d, 'node_modules')) || (dirname(d) !== d && above(dirname(d)));
    if (!above(bare)) expect(await compiledStrategyUrl(join(bare, 's.ts'))).toBeUndefined();
    const dir = project({ 's.ts': 'export const s = 1;\n', 'node_modules/.cache': 'a file where the cache folder goes' });
    expect(await compiledStrategyUrl(join(dir, 's.ts'))).toBeUndefined();
  });
});
