import type forge from 'node-forge';
import { onFirstUse } from '../modules/onFirstUse.ts';

/** node-forge, loaded on first use: only reading a private key's format needs it (and the reference signature of the benchmarks). */
export const nodeForge = onFirstUse<typeof forge>(import.meta.url, 'node-forge');
