import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './scripts/SummaryLineReporter.ts';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'strategies/**/*.test.ts', 'scripts/test/*.test.ts'],
    reporters: ['default', new SummaryLineReporter()],
    // One private temp folder per run, removed at the end (tests and their child processes use os.tmpdir()).
    globalSetup: ['./scripts/testTempDir.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and child processes; two workers fit a 2-core machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
