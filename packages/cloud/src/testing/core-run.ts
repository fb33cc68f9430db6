/**
 * Core's run pieces the tests use (engine, in-memory state, merge, record reader). They come from
 * `@bbsync/core` when its index exports them; until it does (core is being built in parallel), from core's
 * sources by a path the type checker does not follow. TEMPORARY: drop the fallback once core exports them.
 */
import { fileURLToPath } from 'node:url';
import * as core from '@bbsync/core';
import type { RecordEnvelope, RunManifest, StateStore, SyncOptions } from '@bbsync/core';

type RunSync = <Cfg>(options: SyncOptions<Cfg>) => Promise<RunManifest>;
type MemoryStateStoreClass = new (options?: { scope?: string }) => StateStore;
type MergeRuns = (options: { inputs: readonly string[]; outputDir: string; gzip?: boolean }) => Promise<unknown>;
type ReadRecords = (dir: string) => AsyncGenerator<RecordEnvelope>;

const exported = core as unknown as Record<string, unknown>;

async function fromSources(path: string, name: string): Promise<unknown> {
  const file = fileURLToPath(new URL(`../../../core/src/${path.replace(/\.js$/, '.ts')}`, import.meta.url));
  const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  return module[name];
}

export const runSync = (exported.runSync ?? (await fromSources('engine/engine.js', 'runSync'))) as RunSync;
export const MemoryStateStore = (exported.MemoryStateStore ?? (await fromSources('state/memory-state-store.js', 'MemoryStateStore'))) as MemoryStateStoreClass;
export const mergeRuns = (exported.mergeRuns ?? (await fromSources('output/merge.js', 'mergeRuns'))) as MergeRuns;
export const readRecords = (exported.readRecords ?? (await fromSources('output/read-records.js', 'readRecords'))) as ReadRecords;
export type MemoryStateStore = StateStore;
