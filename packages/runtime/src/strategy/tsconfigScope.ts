import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * The tsconfig.json tsx compiles with: TSX_TSCONFIG_PATH when set, else the nearest tsconfig.json
 * file above the working folder (not the one nearest each file).
 */
export function tsxTsconfig(): string | undefined {
  if (process.env.TSX_TSCONFIG_PATH) return resolve(process.env.TSX_TSCONFIG_PATH);
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const p = join(dir, 'tsconfig.json');
    if (statSync(p, { throwIfNoEntry: false })?.isFile()) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

/** JSON with comments and trailing commas, as tsconfig.json allows, parsed; undefined when it is not even that. */
function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const string = /"(?:[^"\\]|\\.)*"/y;
      string.lastIndex = i;
      const m = string.exec(text);
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
    return JSON.parse(out.replace(/^\uFEFF/, '').replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

interface Config {
  path: string;
  json: { extends?: unknown; files?: unknown; include?: unknown; exclude?: unknown };
}

/** The config and every config it extends, nearest first; undefined when one cannot be read or found. */
function chain(path: string, depth = 0): Config[] | undefined {
  if (depth > 16 || !existsSync(path)) return undefined;
  const json = parseJsonc(readFileSync(path, 'utf8'));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const config: Config = { path, json: json as Config['json'] };
  const ext = config.json.extends;
  const list = ext === undefined ? [] : Array.isArray(ext) ? ext : [ext];
  const bases: Config[] = [];
  // Later entries of an `extends` array override earlier ones: the last is nearest after this one.
  for (const e of [...list].reverse()) {
    if (typeof e !== 'string') return undefined;
    let target: string | undefined;
    if (e.startsWith('.') || e.startsWith('/')) target = resolve(dirname(path), e.endsWith('.json') ? e : `${e}.json`);
    else {
      const req = createRequire(path);
      for (const candidate of [e, `${e}.json`, `${e}/tsconfig.json`]) {
        try {
          target = req.resolve(candidate);
          break;
        } catch {
          // the next form
        }
      }
    }
    const rest = target === undefined ? undefined : chain(target, depth + 1);
    if (!rest) return undefined;
    bases.push(...rest);
  }
  return [config, ...bases];
}

/** A tsconfig glob (relative to `dir`) as a regular expression over absolute paths. */
function globRegex(dir: string, pattern: string): RegExp {
  let p = resolve(dir, pattern);
  // A last segment with no wildcard and no extension names a folder: everything under it.
  const last = p.slice(p.lastIndexOf('/') + 1);
  if (!/[*?]/.test(last) && !/\.[^/]+$/.test(last)) p += '/**/*';
  const body = p
    .split(/(\*\*\/|\*|\?)/)
    .map((part) => (part === '**/' ? '(?:[^/]+/)*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Exclude patterns match a file or a folder and everything below it. */
function excludeRegex(dir: string, pattern: string): RegExp {
  const r = globRegex(dir, pattern);
  return new RegExp(`${r.source.slice(0, -1)}(?:/.*)?$`);
}

/**
 * Which files the tsconfig at `path` applies to, as TypeScript (and tsx) reads its `files`,
 * `include` and `exclude` (each inherited from the nearest config in the `extends` chain that sets
 * it, relative to that config's folder; `include` defaults to everything unless `files` is given,
 * `exclude` to node_modules and the like). Undefined when the chain cannot be read.
 * @example
 * tsconfigScope('tsconfig.json')?.(resolve('strategies/sma-cross/index.ts')); // true in this repo
 */
export function tsconfigScope(path: string): ((file: string) => boolean) | undefined {
  const configs = chain(resolve(path));
  if (!configs) return undefined;
  const setting = (key: 'files' | 'include' | 'exclude'): { dir: string; list: string[] } | undefined | null => {
    const c = configs.find((x) => x.json[key] !== undefined);
    if (!c) return undefined;
    const list = c.json[key];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return null;
    return { dir: dirname(c.path), list: list as string[] };
  };
  const files = setting('files');
  const include = setting('include');
  const exclude = setting('exclude');
  if (files === null || include === null || exclude === null) return undefined;
  const root = dirname(resolve(path));
  const listed = new Set((files?.list ?? []).map((f) => resolve(files!.dir, f)));
  const included = (include ?? (files ? { dir: root, list: [] } : { dir: root, list: ['**/*'] })).list.map((p) => globRegex((include ?? { dir: root }).dir, p));
  const excluded = (exclude ?? { dir: root, list: ['node_modules', 'bower_components', 'jspm_packages'] }).list.map((p) => excludeRegex((exclude ?? { dir: root }).dir, p));
  return (file) => listed.has(file) || (included.some((r) => r.test(file)) && !excluded.some((r) => r.test(file)));
}
