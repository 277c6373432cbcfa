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

/** What a kept module was built from: checked against the files before the module is reused. */
interface BuildRecord {
  /** The compile options' version and esbuild's. */
  key: string;
  /** The module's file name in the cache folder. */
  module: string;
  /** Every file bundled into it, with the hash of its text and its tsconfig's. */
  inputs: Array<{ path: string; hash: string }>;
}

/** The hash of a file's text and of the tsconfig that compiles it. */
function inputHash(path: string): string {
  return sha256(`${readFileSync(path, 'utf8')}\0${tsconfigText(path)}`);
}

/** The kept module's file name when every file it was built from is unchanged, else undefined. */
function keptModule(recordPath: string, key: string, cacheDir: string): string | undefined {
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(recordPath, 'utf8')) as BuildRecord;
    if (record.key !== key || !existsSync(join(cacheDir, record.module))) return undefined;
    for (const input of record.inputs) if (inputHash(input.path) !== input.hash) return undefined;
  } catch {
    return undefined;
  }
  return record.module;
}

/** Writes `data` whole, then renames it into place: a sweep's workers or a second run may compile the same file at once. */
function writeWhole(path: string, data: string | Uint8Array): void {
  const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

/**
 * Compiles a TypeScript strategy (with the files of its own it imports) to one ES module once and
 * returns the module's URL; later calls return the kept module while none of those files (nor
 * their tsconfig, nor esbuild) changed. Why not tsx's loader for every run: registering it starts
 * a loader thread that every later import of the process goes through, about a quarter of a second
 * of a short backtest's start-up, and a thread's memory for the whole run. The module is built by
 * esbuild (what tsx itself compiles with, same tsconfig) into
 * `<package root>/node_modules/.cache/pounce/strategies/`, where its package imports resolve as the
 * source's do. `import.meta.url`, `dirname` and `filename` keep naming the strategy's file, and an
 * inline source map makes stack traces name the `.ts` files and their lines.
 *
 * Returns undefined (the caller falls back to tsx) for what this does not cover the same way: an
 * imported file of the strategy's own that uses `import.meta` (it would see the strategy's), one
 * that resolves packages from another `node_modules`, a file with no `node_modules` folder above
 * it, a cache folder that cannot be written, or code esbuild cannot compile (tsx then reports the
 * error as it always has).
 * @example
 * const url = await compiledStrategyUrl('strategies/sma-cross/index.ts');
 * const mod = url ? await import(url) : undefined;
 */
export async function compiledStrategyUrl(path: string): Promise<string | undefined> {
  const file = resolve(path);
  const root = packageRoot(file);
  if (!root) return undefined;
  const cacheDir = join(root, 'node_modules', '.cache', 'pounce', 'strategies');
  // One record per strategy file (by its path); one module per content, so that a changed
  // strategy imported again in the same process is the new code, not the loader's cached module.
  const stem = `${basename(file).replace(/\W/g, '_')}-${sha256(file).slice(0, 12)}`;
  const recordPath = join(cacheDir, `${stem}.json`);
  const key = `${FORMAT}\0${esbuildVersion()}`;
  const kept = keptModule(recordPath, key, cacheDir);
  if (kept) return pathToFileURL(join(cacheDir, kept)).href;
  const esbuild = await import('esbuild');
  let built;
  try {
    built = await esbuild.build({
      entryPoints: [file], write: false, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20',
      outfile: join(cacheDir, `${stem}.mjs`), sourcemap: 'inline', sourcesContent: false, metafile: true, logLevel: 'silent', absWorkingDir: root,
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(file).href), 'import.meta.filename': JSON.stringify(file), 'import.meta.dirname': JSON.stringify(dirname(file)) },
    });
  } catch {
    return undefined;
  }
  const output = built.outputFiles?.[0];
  if (!built.metafile || !output) return undefined;
  const inputs = Object.keys(built.metafile.inputs).map((p) => resolve(root, p));
  for (const input of inputs) {
    if (input === file) continue;
    if (packageRoot(input) !== root || readFileSync(input, 'utf8').includes('import.meta')) return undefined;
  }
  const record: BuildRecord = { key, module: '', inputs: inputs.map((p) => ({ path: p, hash: inputHash(p) })) };
  record.module = `${stem}-${sha256(JSON.stringify(record.inputs)).slice(0, 24)}.mjs`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // The module first, then the record naming it: a record never names a module not yet whole.
    writeWhole(join(cacheDir, record.module), output.contents);
    writeWhole(recordPath, JSON.stringify(record));
    for (const old of readdirSync(cacheDir)) if (old.startsWith(`${stem}-`) && old.endsWith('.mjs') && old !== record.module) rmSync(join(cacheDir, old), { force: true });
  } catch {
    return undefined;
  }
  return pathToFileURL(join(cacheDir, record.module)).href;
}
