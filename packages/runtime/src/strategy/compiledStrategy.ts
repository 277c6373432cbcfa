import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Loader, Plugin } from 'esbuild';
import { writeFileWhole } from '@pounce/core';
import { tsxTsconfig } from './tsconfigScope.ts';

/**
 * The folder holding `node_modules` nearest above `file`: a compiled module written into its
 * `node_modules/.cache` resolves the same packages the source file would (no folder between them
 * has a `node_modules` of its own). Undefined when there is none.
 */
function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (statSync(join(dir, 'node_modules'), { throwIfNoEntry: false })?.isDirectory()) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.json': 'json' };

/** Reads every bundled file itself, keeping its text and loader to check what it does (see `mismatch`). */
function readInputs(files: Map<string, { text: string; loader: Loader }>): Plugin {
  return {
    name: 'pounce-read-inputs',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, ({ path }) => {
        const loader = LOADERS[extname(path)];
        if (!loader) return undefined;
        const text = readFileSync(path, 'utf8');
        files.set(path, { text, loader });
        return { contents: text, loader };
      });
    },
  };
}

const BUILTINS = new Set(builtinModules);

/** Builds in flight in this thread: esbuild's service is stopped only when none is (a node loads several strategies). */
let building = 0;

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
 * Whether `code` has an import() whose argument is not a plain string literal. Only a literal is
 * resolved as tsx resolves it: anything computed would resolve from the compiled module's folder,
 * and a template esbuild bundles as a glob misses names tsx finds (no extension, `..` inside).
 */
function computedImport(code: string): boolean {
  const call = /(?<![.\w$])import\s*\(/g;
  for (let m = call.exec(code); m; m = call.exec(code)) {
    if (!/^\s*(['"])(?:(?!\1)[^\\\r\n]|\\.)*\1\s*[,)]/.test(code.slice(m.index + m[0].length))) return true;
  }
  return false;
}

/**
 * Why the bundle would not run as its sources do under tsx, or undefined when it would. Each file
 * is judged by its code without types or comments (an esbuild transform), so a type such as
 * `import('./t.ts').T` or a comment is not taken for code.
 */
async function mismatch(
  esbuild: typeof import('esbuild'), entry: string, root: string, modulePath: string,
  files: Map<string, { text: string; loader: Loader }>, imports: Map<string, string[]>,
): Promise<string | undefined> {
  for (const [path, { text, loader }] of files) {
    if (packageRoot(path) !== root) return `${path} resolves packages from another node_modules`;
    const { code } = loader === 'json' ? { code: '' } : await esbuild.transform(text, { loader, format: 'esm', target: 'esnext', legalComments: 'none' });
    if (computedImport(code)) return `${path} imports a computed module name (import(name))`;
    // import.meta.url, dirname and filename are the strategy file's own (defined at build); anything else would name the compiled module.
    const meta = path === entry ? /\bimport\.meta\b(?!\.(url|dirname|filename)\b)/ : /\bimport\.meta\b/;
    if (meta.test(code)) return `${path} reads import.meta`;
    for (const spec of imports.get(path) ?? []) {
      if (BUILTINS.has(spec) || spec.startsWith('node:')) continue;
      if (!sameResolution(spec, path, modulePath)) return `${path}: "${spec}" resolves differently from the compiled module's folder`;
    }
  }
  return undefined;
}

/**
 * Compiles a TypeScript strategy (with the files of its own it imports) to one ES module and
 * returns the module's URL. Why not tsx's loader: registering it starts a loader thread that every
 * later import of the process goes through, and a thread's memory for the whole run; a build
 * costs ~0.1 s (loading esbuild's API about half of it). It is built from the files as they are at
 * every call (nothing is reused from an earlier build, so no change to a file, a tsconfig, a
 * package.json or a symlink can be missed), by esbuild (what tsx compiles with, and with the
 * tsconfig tsx would apply to the strategy's files), into
 * `<package root>/node_modules/.cache/pounce/strategies/`, and each package it imports is checked
 * to resolve from there to the file it resolves to from the source. `import.meta.url`, `dirname`
 * and `filename` keep naming the strategy's file (its real path, as Node gives it), and an inline
 * source map makes stack traces name the `.ts` files and their lines.
 *
 * Returns undefined (the caller falls back to tsx) for what would not run the same way from there:
 * the strategy file reading `import.meta` beyond `url`, `dirname` and `filename`, an imported file
 * reading `import.meta` at all, a CommonJS file, an `import()` of anything but a string literal,
 * files tsx would compile with different tsconfigs, a package import that resolves differently
 * from the cache folder, a file under another `node_modules`, no `node_modules` folder above the
 * strategy, a kind of file the checks do not read, a tsconfig that cannot be read, that sets
 * neither `target` nor `useDefineForClassFields`, or whose paths or baseUrl tsx would apply to a
 * strategy file it does not name, a cache folder that cannot be written, or code esbuild cannot
 * compile (tsx then reports the error as it always has).
 * @example
 * const url = await compiledStrategyUrl('strategies/sma-cross/index.ts');
 * const mod = url ? await import(url) : undefined;
 */
export async function compiledStrategyUrl(path: string): Promise<string | undefined> {
  const compiled = await compileStrategy(path);
  return 'url' in compiled ? compiled.url : undefined;
}

/** compiledStrategyUrl's answer with the reason when the strategy is left to tsx. */
export async function compileStrategy(path: string): Promise<{ url: string } | { tsx: string }> {
  const file = resolve(path);
  const root = packageRoot(file);
  if (!root) return { tsx: `no node_modules folder above ${file}` };
  const entry = realpathSync(file);
  const cacheDir = join(root, 'node_modules', '.cache', 'pounce', 'strategies');
  const stem = `${basename(file).replace(/\W/g, '_')}-${sha256(file).slice(0, 12)}`;
  // The tsconfig tsx would compile the strategy with: its own choice of file, applied (as tsx
  // does) only to the files its files/include/exclude name.
  const tsconfig = tsxTsconfig();
  if (tsconfig === undefined) return { tsx: 'the tsconfig tsx would use cannot be read' };
  const applies = tsconfig?.applies(entry) ?? false;
  // tsx resolves through paths/baseUrl in every file; a build with no tsconfig would not.
  if (tsconfig && !applies && tsconfig.resolvesImports) return { tsx: `${tsconfig.path} sets paths or baseUrl but does not name ${entry}` };
  if (tsconfig && applies && !tsconfig.classFieldsSet) return { tsx: `${tsconfig.path} sets neither target nor useDefineForClassFields (how tsx then compiles class fields depends on its and TypeScript's versions)` };
  const esbuild = await import('esbuild');
  building++;
  try {
    const files = new Map<string, { text: string; loader: Loader }>();
    let built;
    try {
      built = await esbuild.build({
        // keepNames and the running Node as target, as tsx compiles: a class renamed in the bundle keeps its .name.
        entryPoints: [entry], write: false, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: `node${process.versions.node}`, keepNames: true,
        outfile: join(cacheDir, `${stem}.mjs`), sourcemap: 'inline', sourcesContent: false, metafile: true, logLevel: 'silent', absWorkingDir: root,
        plugins: [readInputs(files)], ...(tsconfig && applies ? { tsconfig: tsconfig.path } : { tsconfigRaw: {} }),
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href), 'import.meta.filename': JSON.stringify(entry), 'import.meta.dirname': JSON.stringify(dirname(entry)) },
      });
    } catch (e) {
      return { tsx: `esbuild: ${(e as Error).message.split('\n')[0]}` };
    }
    const output = built.outputFiles?.[0];
    if (!built.metafile || !output) return { tsx: 'esbuild gave no output' };
    const imports = new Map<string, string[]>();
    for (const [p, input] of Object.entries(built.metafile.inputs)) {
      const abs = resolve(root, p);
      if (!files.has(abs)) return { tsx: `${abs}: a kind of file the checks do not read` };
      // Bundled into an ES module, a CommonJS file's require() of anything is an error at run time.
      if (input.format === 'cjs') return { tsx: `${abs} is CommonJS` };
      // One tsconfig (or none) is applied to every file here; tsx applies it to the files it names.
      if (/\.[cm]?tsx?$/.test(abs) && (tsconfig?.applies(abs) ?? false) !== applies) return { tsx: `${abs}: tsx would compile it with ${applies ? 'no' : 'the'} tsconfig, unlike the strategy file` };
      // External package imports only: not esbuild's own helpers (<runtime>) nor a bundled glob.
      imports.set(abs, input.imports.filter((i) => i.external && !i.path.startsWith('<') && !i.path.includes('*')).map((i) => i.path));
    }
    // One file per content: the same strategy compiled again is the same module, a changed one a
    // new module (the loader keeps a process's modules by URL).
    const module = join(cacheDir, `${stem}-${sha256(output.contents).slice(0, 24)}.mjs`);
    const why = await mismatch(esbuild, entry, root, module, files, imports);
    if (why) return { tsx: why };
    try {
      mkdirSync(cacheDir, { recursive: true });
      if (!existsSync(module)) writeFileWhole(module, output.contents);
      else touch(module);
    } catch (e) {
      return { tsx: `the cache folder cannot be written: ${(e as Error).message}` };
    }
    pruneOlder(cacheDir, stem, basename(module));
    return { url: pathToFileURL(module).href };
  } finally {
    // esbuild's service is a child process, not needed once no build is in flight.
    if (--building === 0) await esbuild.stop();
  }
}

/** Marks a kept module as handed out now (pruning keeps the one handed out before the current); best effort in a cache not its own. */
function touch(module: string): void {
  try {
    utimesSync(module, new Date(), new Date());
  } catch {
    // a cache another user owns: the module is still served
  }
}

/**
 * Deletes a strategy's modules handed out before the one before `current`: a process that was
 * handed the previous one a moment ago (a sweep worker starting while the file was saved) can
 * still import it. Also temporary files a crash left (over an hour old). Best effort: another
 * process may be pruning the same files.
 */
function pruneOlder(cacheDir: string, stem: string, current: string): void {
  try {
    const now = Date.now();
    const others: Array<{ f: string; at: number }> = [];
    for (const f of readdirSync(cacheDir)) {
      const at = statSync(join(cacheDir, f), { throwIfNoEntry: false })?.mtimeMs;
      if (at === undefined) continue;
      if (f.endsWith('.tmp') && now - at > 3_600_000) rmSync(join(cacheDir, f), { force: true });
      else if (f.startsWith(`${stem}-`) && f.endsWith('.mjs') && f !== current) others.push({ f, at });
    }
    others.sort((a, b) => b.at - a.at);
    for (const { f } of others.slice(1)) rmSync(join(cacheDir, f), { force: true });
  } catch {
    // Pruning is housekeeping: a failure leaves files, never fails a load.
  }
}
