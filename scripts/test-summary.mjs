// Sums every package's vitest JSON report into one plain closing line ("N passed, N failed"), so a CI log
// shows at a glance how many tests ran across the monorepo. Exits non-zero if any failed or none ran.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', name, '.vitest-results.json');
  if (!existsSync(join(root, 'packages', name, 'package.json'))) continue;
  if (!existsSync(file)) {
    missing.push(name);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (missing.length) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
