import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './scripts/SummaryLineReporter.ts';

// Tests run on the sources: `@pounce/*` resolves through the `pounce-source` export condition to src/,
// so no build is needed and an edit is tested at once (child processes get the same condition from
// scripts/sourceLoader.mjs). Tests of what plain node runs use dist/ (npm test builds first): the
// packaging test, importPlugin from the build, the bench's engine-less floor script.
const conditions = ['pounce-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'strategies/**/*.test.ts', 'scripts/test/*.test.ts', 'bench/test/*.test.ts'],
    reporters: ['default', new SummaryLineReporter()],
    // One private temp folder per run, removed at the end (tests and their child processes use os.tmpdir()).
    globalSetup: ['./scripts/testTempDir.ts'],
    // Generous: on a loaded 2-core machine a test's child processes are slow, not stuck; a test
    // that needs longer says so itself.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and child processes; two workers fit a 2-core machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
