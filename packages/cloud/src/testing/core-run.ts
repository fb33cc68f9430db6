/**
 * Core's run pieces the tests use. They are imported from `@bbsync/core` once core's index exports them;
 * until then from core's sources (TEMPORARY: core's engine, state stores and merge are not exported yet).
 */
export { runSync } from '../../../core/src/engine/engine.js';
export { MemoryStateStore } from '../../../core/src/state/memory-state-store.js';
export { mergeRuns } from '../../../core/src/output/merge.js';
export { readRecords } from '../../../core/src/output/read-records.js';
