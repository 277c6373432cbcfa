import { createRequire } from 'node:module';
import type forge from 'node-forge';

let loaded: typeof forge | undefined;

/**
 * node-forge, loaded on first use: only reading a private key's format needs it (and the reference
 * signature of the benchmarks), and loading it at import cost every `pounce` command, a backtest
 * too, its start-up time.
 */
export function nodeForge(): typeof forge {
  loaded ??= createRequire(import.meta.url)('node-forge') as typeof forge;
  return loaded;
}
