/**
 * Ends each vitest run with one plain line, e.g. `308 passed, 0 failed, 3 skipped`, after a line naming the
 * project: the form CI reads to tell a run that executed tests from one that executed none (vitest's own
 * summary is coloured and not in that form). The count stands alone on its line, without the project's
 * name in front: CI flagged the labelled form (`unit: 308 passed, …`) as "ran no test". Counts test cases,
 * not files.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const projects = new Set<string>();
    for (const m of modules) {
      projects.add(m.project.name || 'tests');
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) counts.failed++; // a file that failed to load
      for (const test of m.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    counts.failed += unhandledErrors.length;
    const label = projects.size === 1 ? [...projects][0] : 'tests';
    process.stdout.write(`\n${label} tests, vitest\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
