import { pathToFileURL } from 'node:url';

/** True when this module runs from the build (dist/*.js), not from its TypeScript sources. */
const FROM_BUILD = import.meta.url.endsWith('.js');
let tsxRegistered: Promise<void> | undefined;

/**
 * Imports a strategy plugin module by file path. Plugins are TypeScript files loaded at run time, and
 * Node 20 cannot load `.ts`: when Pounce runs from its build, tsx's loader is registered (once per
 * thread, on the first `.ts` plugin) to compile them. Run from sources (tsx, vitest), `.ts` loads already.
 * @example
 * const mod = (await importPlugin('strategies/sma-cross/index.ts')) as { default: StrategyDefinition };
 */
export async function importPlugin(path: string): Promise<unknown> {
  if (FROM_BUILD && /\.[cm]?tsx?$/.test(path)) {
    tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await tsxRegistered;
  }
  return import(pathToFileURL(path).href);
}
