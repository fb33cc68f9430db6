// Sums every package's vitest JSON report into one plain closing line ("N passed, N failed"), so a CI log
// shows at a glance how many tests ran across the monorepo. Exits non-zero if any failed, none ran, a package's
// tests left no report, or a test CI is meant to run was skipped: a suite that skips itself when something is
// missing (the bundled action, the built packages) would otherwise turn a broken build into a green run.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The only tests CI may skip, each with why: opt-in large variants, and the guards that stand in for a suite
 * when its input is missing (they run only then, and fail).
 */
const ALLOWED_SKIPS = [
  { pattern: / generates large$/, why: 'the large dataset runs only with BBSYNC_SIM_LARGE=1' },
  { pattern: /^the packages are built\b/, why: 'a guard that runs (and fails) only when the packages were not built' },
  { pattern: /^the bundle exists\b/, why: 'a guard that runs (and fails) only when the action bundle is missing' },
  { pattern: /^the bundled action exists\b/, why: 'the same guard, in the end-to-end package' },
];

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const unexpectedSkips = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', name, '.vitest-results.json');
  if (!existsSync(join(root, 'packages', name, 'package.json'))) continue;
  if (!existsSync(file)) {
    // A package with a test script that left no report did not run its tests.
    const scripts = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')).scripts ?? {};
    if (scripts.test !== undefined) missing.push(name);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status !== 'skipped' && test.status !== 'pending' && test.status !== 'todo') continue;
      const title = test.fullName ?? test.title ?? '';
      if (!ALLOWED_SKIPS.some(({ pattern }) => pattern.test(title))) unexpectedSkips.push(`${name}: ${title} (${suite.name ?? '?'})`);
    }
  }
}
if (missing.length) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (unexpectedSkips.length) {
  console.log(`Skipped, but CI must run them (build what they need, or add a reasoned entry to ALLOWED_SKIPS in scripts/test-summary.mjs):`);
  for (const line of unexpectedSkips) console.log(`  ${line}`);
}
process.exit(failed > 0 || passed === 0 || missing.length > 0 || unexpectedSkips.length > 0 ? 1 : 0);
