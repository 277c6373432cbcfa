import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Bumped when the compile options below change, so older cached modules are not reused. */
const FORMAT = 1;

/**
 * The folder holding `node_modules` nearest above `file`: a compiled module kept in its
 * `node_modules/.cache` resolves the same packages the source file would (no folder between them
 * has a `node_modules` of its own). Undefined when there is none.
 */
function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (statSync(join(dir, 'node_modules'), { throwIfNoEntry: false })?.isDirectory()) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The text of the tsconfig.json nearest above `file` and of the local files it extends (they change the output). */
function tsconfigText(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    let config = join(dir, 'tsconfig.json');
    if (existsSync(config)) {
      const texts: string[] = [];
      for (let hops = 0; hops < 8 && existsSync(config); hops++) {
        const text = readFileSync(config, 'utf8');
        texts.push(text);
        const ext = /"extends"\s*:\s*"(\.[^"]+)"/.exec(text)?.[1];
        if (!ext) break;
        config = resolve(dirname(config), ext.endsWith('.json') ? ext : `${ext}.json`);
      }
      return texts.join('\0');
    }
    if (dirname(dir) === dir) return '';
  }
}

/** esbuild's version, read from its package.json: loading esbuild itself takes ~40 ms, which a kept module does not need. */
function esbuildVersion(): string {
  const { version } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('esbuild/package.json'), 'utf8')) as { version?: unknown };
  return String(version);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Compiles a one-file TypeScript strategy to an ES module once and returns the module's URL; later
 * calls with the same source (and tsconfig, and esbuild) return the kept module without compiling.
 * Why not tsx's loader for every run: registering it starts a loader thread that every later import
 * of the process goes through, about a quarter of a second of a short backtest's start-up, and a
 * thread's memory for the whole run. The module is built by esbuild (what tsx itself compiles
 * with, same tsconfig) into `<package root>/node_modules/.cache/pounce/strategies/`, where its
 * imports resolve as the source's do. `import.meta.url`, `dirname` and `filename` keep naming the
 * source file, and an inline source map makes stack traces name the `.ts` file and its lines.
 *
 * Returns undefined (the caller falls back to tsx) for what this does not cover the same way: a
 * strategy that imports files of its own (each would need its own `import.meta`), a file with no
 * `node_modules` folder above it, a cache folder that cannot be written, or a file esbuild cannot
 * compile (tsx then reports the error as it always has).
 * @example
 * const url = await compiledStrategyUrl('strategies/sma-cross/index.ts');
 * const mod = url ? await import(url) : undefined;
 */
export async function compiledStrategyUrl(path: string): Promise<string | undefined> {
  const file = resolve(path);
  const root = packageRoot(file);
  if (!root) return undefined;
  const source = readFileSync(file, 'utf8');
  const cacheDir = join(root, 'node_modules', '.cache', 'pounce', 'strategies');
  // One name per source file (its path), one version per content: a changed file replaces its old module.
  const stem = `${basename(file).replace(/\W/g, '_')}-${sha256(file).slice(0, 12)}`;
  const out = join(cacheDir, `${stem}-${sha256(`${FORMAT}\0${esbuildVersion()}\0${tsconfigText(file)}\0${source}`).slice(0, 24)}.mjs`);
  if (existsSync(out)) return pathToFileURL(out).href;
  const sourceUrl = pathToFileURL(file).href;
  const esbuild = await import('esbuild');
  let built;
  try {
    built = await esbuild.build({
      entryPoints: [file], outfile: out, write: false, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20',
      sourcemap: 'inline', sourcesContent: false, metafile: true, logLevel: 'silent',
      define: { 'import.meta.url': JSON.stringify(sourceUrl), 'import.meta.filename': JSON.stringify(file), 'import.meta.dirname': JSON.stringify(dirname(file)) },
    });
  } catch {
    return undefined;
  }
  const output = built.outputFiles?.[0];
  if (!built.metafile || Object.keys(built.metafile.inputs).length !== 1 || !output) return undefined;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written whole, then renamed: a sweep's workers or a second run may compile the same file at once.
    const partial = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(partial, output.contents);
    renameSync(partial, out);
    for (const old of readdirSync(cacheDir)) if (old.startsWith(`${stem}-`) && old.endsWith('.mjs') && join(cacheDir, old) !== out) rmSync(join(cacheDir, old), { force: true });
  } catch {
    return undefined;
  }
  return pathToFileURL(out).href;
}
