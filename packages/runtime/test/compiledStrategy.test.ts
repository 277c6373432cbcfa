import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
    expect(existsSync(fileURLToPath(first!))).toBe(false);
    expect(((await import(second!)) as { more: number }).more).toBe(1);
    expect(readdirSync(join(dir, 'node_modules/.cache/pounce/strategies')).filter((f) => f.endsWith('.mjs'))).toHaveLength(1);
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

  it('leaves to tsx an imported file of its own that reads import.meta (it would see the strategy\'s), and a file esbuild cannot compile', async () => {
    const dir = project({ 'multi.ts': "import { x } from './part.ts';\nexport const y = x;\n", 'part.ts': 'export const x = import.meta.url;\n', 'broken.ts': 'export const = ;\n' });
    expect(await compiledStrategyUrl(join(dir, 'multi.ts'))).toBeUndefined();
    expect(await compiledStrategyUrl(join(dir, 'broken.ts'))).toBeUndefined();
    expect(existsSync(join(dir, 'node_modules/.cache/pounce/strategies'))).toBe(false);
  });
});
