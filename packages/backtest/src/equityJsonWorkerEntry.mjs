// The equity writer thread when Pounce runs from its sources (tests, `npm run dev`): worker threads
// do not inherit the parent's module hooks on Node 20, so load the repo's source loader first (as
// sweepWorkerEntry.mjs does). The build runs dist/equityJsonWorker.js directly.
await import('../../../scripts/sourceLoader.mjs');
await import('./equityJsonWorker.ts');
