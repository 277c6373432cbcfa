import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

/**
 * Ends the run with the plain line `N passed, N failed[, N skipped]` that CI reads. Whatever makes
 * vitest fail the run counts as failed: failed tests, a file that failed outside its tests (it could
 * not be collected, or a hook threw), and each unhandled error (a throw or rejection nobody caught,
 * which vitest reports after the tests and exits 1 for).
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = [], reason?: TestRunEndReason): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const notes: string[] = [];
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failedHere++;
        else skipped++;
      }
      // A file that failed with no failed test (collection error, failing hook) must still fail the count.
      if (m.state() === 'failed' && failedHere === 0) {
        failedHere = 1;
        notes.push(`${m.moduleId} failed outside its tests`);
      }
      failed += failedHere;
    }
    if (unhandledErrors.length > 0) {
      failed += unhandledErrors.length;
      notes.push(`${unhandledErrors.length} unhandled error${unhandledErrors.length === 1 ? '' : 's'}`);
    }
    // Anything else vitest failed the run for (never a green line for a red run).
    if (reason !== undefined && reason !== 'passed' && failed === 0) {
      failed = 1;
      notes.push(reason === 'interrupted' ? 'the run was interrupted' : 'the run failed');
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${notes.length ? ` (${notes.join('; ')})` : ''}\n`);
  }
}
