// @bbsync/e2e is private: its tests are the product. The harness is exported for benchmarks and other suites.
export * from './support/harness.js';
export * from './support/proxy.js';
export * from './support/attacker.js';
export * from './support/secrets.js';
export * from './support/layers.js';
export * from './support/truth.js';
export type * from './support/sim-types.js';
export type * from './support/sync-job.js';
