import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsxTsconfig } from '../src/strategy/tsconfigScope.ts';
import { tempProjects } from './tempProject.ts';

const project = tempProjects('pounce-tsconfig-');

/** The files the tsconfig at `dir/tsconfig.json` applies to, as tsx reads it. */
function appliesIn(dir: string): (file: string) => boolean {
  process.env.TSX_TSCONFIG_PATH = join(dir, 'tsconfig.json');
  const t = tsxTsconfig();
  if (!t) throw new Error('no tsconfig');
  return (file) => t.applies(join(dir, file));
}

describe('tsxTsconfig: the tsconfig tsx would use and the files it applies to, read as tsx reads them', () => {
  it('the cases a hand-written copy of the rules got wrong: ** at the end, dot folders, node_modules, outDir, ${configDir}', () => {
    expect(appliesIn(project({ 'tsconfig.json': '{ "include": ["strategies/**"] }' }))('strategies/deep/s.ts')).toBe(true);
    const dots = appliesIn(project({ 'tsconfig.json': '{ "include": ["**/*"] }' }));
    expect(dots('.strats/s.ts')).toBe(false);
    expect(dots('strats/s.ts')).toBe(true);
    expect(appliesIn(project({ 'tsconfig.json': '{ "exclude": ["dist"] }' }))('node_modules/p/s.ts')).toBe(false);
    expect(appliesIn(project({ 'tsconfig.json': '{ "compilerOptions": { "outDir": "strategies" } }' }))('strategies/s.ts')).toBe(false);
    const shared = project({ 'base/tsconfig.json': '{ "include": ["${configDir}/strategies"] }', 'tsconfig.json': '{ "extends": "./base/tsconfig.json" }' });
    expect(appliesIn(shared)('strategies/s.ts')).toBe(true);
  });

  it('whether it resolves imports through paths or baseUrl; undefined when it cannot be read', () => {
    process.env.TSX_TSCONFIG_PATH = join(project({ 'tsconfig.json': '{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] } } }' }), 'tsconfig.json');
    expect(tsxTsconfig()?.resolvesImports).toBe(true);
    process.env.TSX_TSCONFIG_PATH = join(project({ 'tsconfig.json': '{ "compilerOptions": { "baseUrl": "." } }' }), 'tsconfig.json');
    expect(tsxTsconfig()?.resolvesImports).toBe(true);
    process.env.TSX_TSCONFIG_PATH = join(project({ 'tsconfig.json': '{ "compilerOptions": { "strict": true } }' }), 'tsconfig.json');
    expect(tsxTsconfig()).toMatchObject({ resolvesImports: false, classFieldsSet: false });
    process.env.TSX_TSCONFIG_PATH = join(project({ 'tsconfig.json': '{ "extends": "./missing.json" }' }), 'tsconfig.json');
    expect(tsxTsconfig()).toBeUndefined();
  });

  it('this repo, from its root: its tsconfig names the shipped strategies', () => {
    const t = tsxTsconfig();
    expect(t?.path).toBe(join(import.meta.dirname, '../../../tsconfig.json'));
    expect(t?.applies(join(import.meta.dirname, '../../../strategies/sma-cross/index.ts'))).toBe(true);
  });
});
