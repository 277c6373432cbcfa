import { resolve } from 'node:path';
import { createFilesMatcher, getTsconfig, parseTsconfig, type TsConfigResult } from 'get-tsconfig';

/** The tsconfig tsx compiles a process's TypeScript with, and which files it applies to. */
export interface TsxTsconfig {
  path: string;
  /** Whether tsx applies its compile options to `file` (its files/include/exclude, as tsx reads them). */
  applies(file: string): boolean;
  /** Whether it sets `paths` or `baseUrl`: tsx resolves imports through them in every file, named or not. */
  resolvesImports: boolean;
  /**
   * Whether it says how class fields compile (`target` or `useDefineForClassFields`). Without
   * either, tsx's copy of get-tsconfig may fill in defaults by the installed TypeScript's version,
   * which a build from the file alone does not: such a strategy is left to tsx, not guessed at.
   */
  classFieldsSet: boolean;
}

/**
 * The tsconfig tsx would use, found and matched to files as tsx does (with get-tsconfig, the
 * library tsx itself is built on; tsx bundles a newer copy): TSX_TSCONFIG_PATH when set, else the nearest tsconfig.json above the working
 * folder. Null when there is none; undefined when it cannot be read (tsx would fail on a
 * TSX_TSCONFIG_PATH it cannot read, and ignore a found one: either way not a case to copy).
 * Reading inclusion through the same library, not a copy of TypeScript's rules, is the point: an
 * earlier copy differed from tsx on `**` at a pattern's end, dot folders, outDir and `${configDir}`.
 * @example
 * tsxTsconfig()?.applies(resolve('strategies/sma-cross/index.ts')); // true in this repo
 */
export function tsxTsconfig(): TsxTsconfig | null | undefined {
  let found: TsConfigResult | null;
  try {
    const given = process.env.TSX_TSCONFIG_PATH;
    found = given ? { path: resolve(given), config: parseTsconfig(resolve(given)) } : getTsconfig(process.cwd());
  } catch {
    return undefined;
  }
  if (!found) return null;
  const matcher = createFilesMatcher(found);
  const options = found.config.compilerOptions ?? {};
  return {
    path: found.path, applies: (file) => matcher(file) !== undefined, resolvesImports: options.paths !== undefined || options.baseUrl !== undefined,
    classFieldsSet: options.target !== undefined || options.useDefineForClassFields !== undefined,
  };
}
