import { defineConfig } from 'vitest/config';

// `source` resolves workspace packages to their TypeScript sources, so tests never run against a stale build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files share a worker instead of paying a fresh one each (~40% of the suite's CPU): the connector's
    // only module state is keyed by client (WeakMaps), and every test starts its own simulator and client.
    isolate: false,
  },
});
