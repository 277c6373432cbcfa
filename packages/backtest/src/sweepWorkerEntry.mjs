// Worker threads do not inherit the parent's TypeScript loader on Node 20: register tsx here,
// then load the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweepWorker.ts');
