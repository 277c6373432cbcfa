import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Loader, Plugin } from 'esbuild';

/** Bumped when the compile options or the build record change, so older kept modules are not reused. */
const FORMAT = 2;

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

/** The nearest file named `name` above `file`, or undefined. */
function nearest(file: string, name: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

/** JSON with comments and trailing commas, as tsconfig.json allows, parsed; undefined when it is not even that. */
function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = /"(?:[^"\\]|\\.)*"/y;
      end.lastIndex = i;
      const m = end.exec(text);
      if (!m) return undefined;
      out += m[0];
      i += m[0].length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else out += c;
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/**
 * The text of the tsconfig.json esbuild compiles `file` with (the nearest above it) and of every
 * file it extends, relative or from a package, or undefined when an `extends` cannot be followed
 * (then no kept module can be trusted to match it).
 */
function tsconfigText(file: string): string | undefined {
  const first = nearest(file, 'tsconfig.json');
  if (!first) return '';
  const texts: string[] = [];
  const follow = (config: string, depth: number): boolean => {
    if (depth > 16 || !existsSync(config)) return false;
    const text = readFileSync(config, 'utf8');
    texts.push(text);
    const parsed = parseJsonc(text);
    if (typeof parsed !== 'object' || parsed === null) return false;
    const extended = (parsed as { extends?: unknown }).extends;
    const list = extended === undefined ? [] : Array.isArray(extended) ? extended : [extended];
    for (const ext of list) {
      if (typeof ext !== 'string') return false;
      let target: string | undefined;
      if (ext.startsWith('.') || ext.startsWith('/')) target = resolve(dirname(config), ext.endsWith('.json') ? ext : `${ext}.json`);
      else {
        const req = createRequire(config);
        for (const candidate of [ext, `${ext}.json`, `${ext}/tsconfig.json`]) {
          try {
            target = req.resolve(candidate);
            break;
          } catch {
            // the next form
          }
        }
      }
      if (!target || !follow(target, depth + 1)) return false;
    }
    return true;
  };
  return follow(first, 0) ? texts.join('\0') : undefined;
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
 * What a bundled file's code depends on besides its text: its tsconfig (how it compiles) and its
 * package.json (its `imports` map, its package's own name for self-references, its module type).
 * Undefined when the tsconfig cannot be followed.
 */
function inputHash(path: string, text: string): string | undefined {
  const tsconfig = tsconfigText(path);
  if (tsconfig === undefined) return undefined;
  const pkg = nearest(path, 'package.json');
  return sha256(`${text}\0${tsconfig}\0${pkg ? `${pkg}\0${readFileSync(pkg, 'utf8')}` : ''}`);
}

/** What a kept module was built from: checked against the files before the module is reused. */
interface BuildRecord {
  /** The compile options' version and esbuild's. */
  key: string;
  /** The strategy file's real path when it was built (a symlink may be pointed elsewhere since). */
  entry: string;
  /** The module's file name in the cache folder, or null: this strategy loads through tsx (see `why`). */
  module: string | null;
  why?: string;
  /** Every file bundled into it, with the hash of the text esbuild read and of what compiles it. */
  inputs: Array<{ path: string; hash: string }>;
}

/** The record's answer when every file it was built from is unchanged, else undefined. */
function keptRecord(recordPath: string, key: string, entry: string, cacheDir: string): BuildRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as BuildRecord;
    if (record.key !== key || record.entry !== entry) return undefined;
    if (record.module !== null && !existsSync(join(cacheDir, record.module))) return undefined;
    for (const input of record.inputs) if (inputHash(input.path, readFileSync(input.path, 'utf8')) !== input.hash) return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/** Writes `data` whole, then renames it into place: a sweep's workers or a second run may compile the same file at once. */
function writeWhole(path: string, data: string | Uint8Array): void {
  const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.json': 'json' };

/** Reads every bundled file itself, so that the record hashes exactly the text that was compiled (not a later save). */
function readInputs(texts: Map<string, string>): Plugin {
  return {
    name: 'pounce-read-inputs',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, ({ path }) => {
        const loader = LOADERS[extname(path)];
        if (!loader) return undefined;
        const contents = readFileSync(path, 'utf8');
        texts.set(path, contents);
        return { contents, loader };
      });
    },
  };
}

const BUILTINS = new Set(builtinModules);

/** Whether the bare import `spec` resolves to the same file from `from` as from `to` (both failing counts as the same). */
function sameResolution(spec: string, from: string, to: string): boolean {
  const at = (file: string): string => {
    try {
      return createRequire(file).resolve(spec);
    } catch (e) {
      return `error ${(e as { code?: string }).code ?? ''}`;
    }
  };
  return at(from) === at(to);
}

/**
 * Why a built bundle would not run as its sources do under tsx, or undefined when it would.
 * `texts`: each bundled file's text as compiled.
 */
function mismatch(entry: string, root: string, modulePath: string, texts: Map<string, string>, imports: Map<string, string[]>): string | undefined {
  for (const [path, text] of texts) {
    if (packageRoot(path) !== root) return `${path} resolves packages from another node_modules`;
    // A file's dynamic import is bundled from the files there at build time; a file added later would be missed.
    if (/\bimport\s*\(/.test(text)) return `${path} has a dynamic import()`;
    // import.meta.url, dirname and filename are the entry's own (defined at build); anything else would name the kept module.
    const meta = path === entry ? /\bimport\.meta\b(?!\.(url|dirname|filename)\b)/ : /\bimport\.meta\b/;
    if (meta.test(text)) return `${path} reads import.meta`;
    for (const spec of imports.get(path) ?? []) {
      if (BUILTINS.has(spec) || spec.startsWith('node:')) continue;
      if (!sameResolution(spec, path, modulePath)) return `${path}: "${spec}" resolves differently from the kept module's folder`;
    }
  }
  return undefined;
}

/**
 * Compiles a TypeScript strategy (with the files of its own it imports) to one ES module once and
 * returns the module's URL; later calls return the kept module while none of those files (nor
 * their tsconfig and package.json, nor esbuild) changed and the strategy's path still leads to the
 * same file. Why not tsx's loader for every run: registering it starts a loader thread that every
 * later import of the process goes through, about a quarter of a second of a short backtest's
 * start-up, and a thread's memory for the whole run. The module is built by esbuild (what tsx
 * itself compiles with; each file with the tsconfig.json nearest it) into
 * `<package root>/node_modules/.cache/pounce/strategies/`, and each package it imports is checked
 * to resolve from there to the file it resolves to from the source. `import.meta.url`, `dirname`
 * and `filename` keep naming the strategy's file, and an inline source map makes stack traces name
 * the `.ts` files and their lines.
 *
 * Returns undefined (the caller falls back to tsx) for what this does not cover the same way: a
 * file that reads `import.meta` otherwise (an imported file at all), a dynamic `import()`, a
 * package that resolves differently from the cache folder, a file under another `node_modules`,
 * no `node_modules` folder above the strategy, a tsconfig `extends` that cannot be followed, a
 * cache folder that cannot be written, or code esbuild cannot compile (tsx then reports the error
 * as it always has). That answer is kept too, so such a strategy pays for one build only.
 * @example
 * const url = await compiledStrategyUrl('strategies/sma-cross/index.ts');
 * const mod = url ? await import(url) : undefined;
 */
export async function compiledStrategyUrl(path: string): Promise<string | undefined> {
  const file = resolve(path);
  const root = packageRoot(file);
  if (!root) return undefined;
  const entry = realpathSync(file);
  const cacheDir = join(root, 'node_modules', '.cache', 'pounce', 'strategies');
  // One record per strategy path; one module per content, so that a changed strategy imported
  // again in the same process is the new code, not the loader's cached module.
  const stem = `${basename(file).replace(/\W/g, '_')}-${sha256(file).slice(0, 12)}`;
  const recordPath = join(cacheDir, `${stem}.json`);
  const key = `${FORMAT}\0${esbuildVersion()}`;
  const kept = keptRecord(recordPath, key, entry, cacheDir);
  if (kept) return kept.module === null ? undefined : pathToFileURL(join(cacheDir, kept.module)).href;

  const esbuild = await import('esbuild');
  const texts = new Map<string, string>();
  let built;
  try {
    built = await esbuild.build({
      entryPoints: [entry], write: false, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20',
      outfile: join(cacheDir, `${stem}.mjs`), sourcemap: 'inline', sourcesContent: false, metafile: true, logLevel: 'silent', absWorkingDir: root,
      plugins: [readInputs(texts)],
      // The real path, as Node gives a symlinked module's import.meta under tsx.
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href), 'import.meta.filename': JSON.stringify(entry), 'import.meta.dirname': JSON.stringify(dirname(entry)) },
    });
  } catch {
    return undefined;
  }
  const output = built.outputFiles?.[0];
  if (!built.metafile || !output) return undefined;
  const imports = new Map<string, string[]>();
  for (const [p, input] of Object.entries(built.metafile.inputs)) {
    const abs = resolve(root, p);
    if (!texts.has(abs)) return undefined; // read by esbuild itself: its text is not known
    imports.set(abs, input.imports.filter((i) => i.external).map((i) => i.path));
  }
  const inputs: BuildRecord['inputs'] = [];
  for (const [p, text] of texts) {
    const hash = inputHash(p, text);
    if (hash === undefined) return undefined;
    inputs.push({ path: p, hash });
  }
  const module = `${stem}-${sha256(JSON.stringify(inputs)).slice(0, 24)}.mjs`;
  const why = mismatch(entry, root, join(cacheDir, module), texts, imports);
  const record: BuildRecord = why ? { key, entry, module: null, why, inputs } : { key, entry, module, inputs };
  try {
    mkdirSync(cacheDir, { recursive: true });
    // The module first, then the record naming it: a record never names a module not yet whole.
    if (!why) writeWhole(join(cacheDir, module), output.contents);
    writeWhole(recordPath, JSON.stringify(record));
    pruneOlder(cacheDir, stem, module);
  } catch {
    return undefined;
  }
  return why ? undefined : pathToFileURL(join(cacheDir, module)).href;
}

/**
 * Deletes a strategy's modules older than the one before `current`: a process that was handed the
 * previous module a moment ago (a sweep worker starting while the file was saved) can still import it.
 */
function pruneOlder(cacheDir: string, stem: string, current: string): void {
  const others = readdirSync(cacheDir)
    .filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.mjs') && f !== current)
    .map((f) => ({ f, at: statSync(join(cacheDir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of others.slice(1)) rmSync(join(cacheDir, f), { force: true });
}
