// The sweep worker when Pounce runs from its sources (tests, `npm run dev`): worker threads do not
// inherit the parent's module hooks on Node 20, so load the repo's source loader (tsx and the
// `pounce-source` condition) here, then the real worker. The build runs dist/sweepWorker.js directly.
await import('../../../scripts/sourceLoader.mjs');
await import('./sweepWorker.ts');
