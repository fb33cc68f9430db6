import { defineConfig } from 'vitest/config';

// `source` resolves workspace packages to their TypeScript sources, so tests never run against a stale build.
// Child processes (kills, the CLI) run the same sources through src/support/source-mode (see child-node.ts).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    // Each suite sets its own limit (see the `SUITE_TIMEOUT` of every test file); this is the fallback.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two files at once even on 2 cores: most of the time is spent in child processes, sockets and back-offs.
    maxWorkers: 2,
    // Concurrent tests per file (each runs child processes): more would only thrash 2 cores.
    maxConcurrency: 2,
  },
});
