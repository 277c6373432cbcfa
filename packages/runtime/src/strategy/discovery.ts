import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importPlugin } from './importPlugin.ts';
import type { StrategyDefinition } from './types.ts';

export interface StrategyEntry {
  name: string;
  path: string;
}

const ENTRY_FILES = ['index.ts', 'index.js', 'index.mjs'];

/** Strategies in `<root>/strategies/<name>/index.(ts|js)`, sorted by name. */
export function listStrategies(dir: string): StrategyEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .flatMap((name) => {
      const entry = ENTRY_FILES.map((f) => join(dir, name, f)).find((p) => existsSync(p));
      return entry ? [{ name, path: entry }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function isDefinition(v: unknown): v is StrategyDefinition {
  const d = v as StrategyDefinition;
  return typeof v === 'object' && v !== null && typeof d.name === 'string' && typeof d.setup === 'function' && typeof d.params === 'object' && Array.isArray(d.symbols);
}

/** Loads a strategy by name (from `dir`) or by path to a module; validates its default export. */
export async function loadStrategy(nameOrPath: string, dir: string): Promise<{ def: StrategyDefinition; path: string }> {
  let path: string | undefined;
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.ts') || nameOrPath.endsWith('.js')) {
    const p = resolve(nameOrPath);
    path = statSync(p, { throwIfNoEntry: false })?.isDirectory() ? ENTRY_FILES.map((f) => join(p, f)).find((x) => existsSync(x)) : existsSync(p) ? p : undefined;
  } else {
    path = listStrategies(dir).find((s) => s.name === nameOrPath)?.path;
  }
  if (!path) {
    const known = listStrategies(dir).map((s) => s.name);
    throw new Error(`strategy "${nameOrPath}" not found; available: ${known.join(', ') || '(none in ' + dir + ')'}`);
  }
  const mod = (await importPlugin(path)) as { default?: unknown };
  if (!isDefinition(mod.default)) throw new Error(`${path}: the default export is not a strategy definition (name, params, symbols, setup)`);
  return { def: mod.default, path };
}
