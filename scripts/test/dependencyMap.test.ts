import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((d) => statSync(join(ROOT, 'packages', d, 'package.json'), { throwIfNoEntry: false })?.isFile()).sort();

/** A package's `dependencies`: the `@pounce/` ones by short name, and the npm ones. */
function declared(pkg: string): { internal: string[]; npm: string[] } {
  const deps = Object.keys((JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
  return { internal: deps.filter((d) => d.startsWith('@pounce/')).map((d) => d.slice('@pounce/'.length)).sort(), npm: deps.filter((d) => !d.startsWith('@pounce/')).sort() };
}

/** The `@pounce/` packages a package's sources import (import/export ... from, and import()). */
function imported(pkg: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (/\.(ts|mts|tsx)$/.test(e.name)) {
        for (const m of readFileSync(join(dir, e.name), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'@pounce\/([a-z-]+)/g)) found.add(m[1]!);
      }
    }
  };
  walk(join(ROOT, 'packages', pkg, 'src'));
  found.delete(pkg);
  return [...found].sort();
}

/** docs/architecture.md's list: `- **pkg** → a, b; npm: \`x\`, \`y\` (...)`. */
function documented(): Map<string, { internal: string[]; npm: string[] }> {
  const out = new Map<string, { internal: string[]; npm: string[] }>();
  for (const line of readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8').split('\n')) {
    const m = /^- \*\*([a-z-]+)\*\* → ([^;]+?)(?:; npm: (.*))?$/.exec(line);
    if (!m) continue;
    const internal = m[2] === 'nothing' ? [] : m[2]!.split(',').map((s) => s.trim());
    const npm = [...(m[3] ?? '').replace(/\(.*\)/, '').matchAll(/`([^`]+)`/g)].map((x) => x[1]!);
    out.set(m[1]!, { internal: internal.sort(), npm: npm.sort() });
  }
  return out;
}

describe('docs/architecture.md dependency list', () => {
  const doc = documented();

  it('names every package', () => {
    expect(PACKAGES.length).toBeGreaterThanOrEqual(9);
    // The import scan sees imports (MatchingEngine's calendar, the CLI's store commands).
    expect(imported('matching')).toEqual(['calendar']);
    expect(imported('cli')).toContain('store');
    expect([...doc.keys()].sort()).toEqual(PACKAGES);
  });

  it.each(PACKAGES)('%s: lists exactly the dependencies of its package.json', (pkg) => {
    expect(doc.get(pkg)).toEqual(declared(pkg));
  });

  it.each(PACKAGES)('%s: its sources import no @pounce package it does not declare', (pkg) => {
    const undeclared = imported(pkg).filter((d) => !declared(pkg).internal.includes(d));
    expect(undeclared).toEqual([]);
  });
});
