import { nodeForge } from './nodeForge.ts';

/**
 * The pure-JS RSA-SHA1 signature via node-forge. Not used on the request path (node:crypto is
 * ~45x faster); kept so tests and benchmarks can prove both give identical signatures.
 */
export function forgeSign(content: string, privateKeyPem: string): string {
  const forge = nodeForge();
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const md = forge.md.sha1.create();
  md.update(content, 'utf8');
  return forge.util.encode64(key.sign(md));
}
