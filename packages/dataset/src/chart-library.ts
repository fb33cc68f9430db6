/**
 * Chart.js's browser build, as text, for inlining into report.html. This version reads it from node_modules
 * (tests run the sources); the build replaces the compiled module in dist/ with one that holds the text itself
 * (scripts/inline-chart.mjs), so a bundle of the action carries it without node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The source-map comment is dropped: the page must not point anywhere. */
export function withoutSourceMap(source: string): string {
  return source.replace(/\n\/\/# sourceMappingURL=.*$/m, '');
}

export function chartLibrarySource(): string {
  const require = createRequire(import.meta.url);
  return withoutSourceMap(readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8'));
}
