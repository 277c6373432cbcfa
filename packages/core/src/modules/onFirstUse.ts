import { createRequire } from 'node:module';

/**
 * A CommonJS package loaded when the returned function is first called, not at import: for heavy
 * packages most commands never use (protobufjs, node-forge, apache-arrow), which every `pounce`
 * command paid for at start-up. `from` is the caller's `import.meta.url`, so the package resolves
 * from the caller's own package, as its import did.
 *
 * @example
 * ```ts
 * import type forgeTypes from 'node-forge';
 * const nodeForge = onFirstUse<typeof forgeTypes>(import.meta.url, 'node-forge');
 * nodeForge().pki.certificateToPem(cert);
 * ```
 */
export function onFirstUse<T>(from: string, name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(from)(name) as T);
}
