import { pathToFileURL } from 'node:url';
import { compiledStrategyUrl } from './compiledStrategy.ts';

/** True when this module runs from the build (dist/*.js), not from its TypeScript sources. */
const FROM_BUILD = import.meta.url.endsWith('.js');
let tsxRegistered: Promise<void> | undefined;

/**
 * Imports a strategy plugin module by file path. Plugins are TypeScript files loaded at run time, and
 * Node 20 cannot load `.ts`: when Pounce runs from its build, a plugin is compiled to one module at
 * each load (`compiledStrategyUrl`), and one that cannot be (see there) is loaded through tsx's
 * loader (registered once per thread). Run from sources (tsx, vitest), `.ts` loads already.
 * @example
 * const mod = (await importPlugin('strategies/sma-cross/index.ts')) as { default: StrategyDefinition };
 */
export async function importPlugin(path: string): Promise<unknown> {
  if (FROM_BUILD && /\.[cm]?tsx?$/.test(path)) {
    const compiled = /\.m?ts$/.test(path) ? await compiledStrategyUrl(path) : undefined;
    if (compiled) {
      // Stack traces name the .ts file and line through the module's inline map, as under tsx.
      process.setSourceMapsEnabled(true);
      return import(compiled);
    }
    tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await tsxRegistered;
  }
  return import(pathToFileURL(path).href);
}
