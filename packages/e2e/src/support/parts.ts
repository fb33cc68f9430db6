/**
 * The parts of bbsync the end-to-end tests drive, looked up by name so that a part that has not landed yet fails
 * with a message naming it (the packages are built in parallel), and typed by the contracts, not by the build.
 */
import type { Clock, CredentialConfig, Credential, RunManifest, StateStore, SyncOptions, Transport } from '@bbsync/core';
import type { SimulatorOptions, Simulator } from './sim-types.js';

/** What the tests need from @bbsync/core beyond its type contracts. */
export interface CoreParts {
  runSync(options: SyncOptions): Promise<RunManifest>;
  openState(path: string, scope: string, clock?: Clock): Promise<StateStore>;
  parseCredentials(configs: readonly CredentialConfig[], fieldPrefix?: string): Credential[];
  mergeRuns(options: { inputs: readonly string[]; outputDir: string; gzip?: boolean }): Promise<unknown>;
  readRecords(dir: string): AsyncGenerator<{ stream: string; key: string; partition: string; deleted: boolean; data: unknown }>;
  createUndiciTransport(options?: { connections?: number; maxResponseBytes?: number; headersTimeoutMs?: number; bodyTimeoutMs?: number }): Transport & {
    stats(): { connected: number; origins: Record<string, { connected: number; size: number }> };
  };
  secretForms(secret: string, username?: string): string[];
}

function member<T>(module: Record<string, unknown>, pkg: string, name: string, kind: 'function' | 'object'): T {
  const value = module[name];
  if (typeof value !== kind || value === null) throw new Error(`${pkg} does not export ${name} (yet): the end-to-end tests need it`);
  return value as T;
}

/** Loads core's engine, state store, merge, reader, transport and redaction helpers. */
export async function loadCore(): Promise<CoreParts> {
  const core = (await import('@bbsync/core')) as unknown as Record<string, unknown>;
  const pkg = '@bbsync/core';
  const store = member<{ open(path: string, scope: string, options: { clock?: Clock }): Promise<StateStore> }>(core, pkg, 'FileStateStore', 'function');
  return {
    runSync: member(core, pkg, 'runSync', 'function'),
    openState: (path, scope, clock) => store.open(path, scope, clock === undefined ? {} : { clock }),
    parseCredentials: member(core, pkg, 'parseCredentials', 'function'),
    mergeRuns: member(core, pkg, 'mergeRuns', 'function'),
    readRecords: member(core, pkg, 'readRecords', 'function'),
    createUndiciTransport: member(core, pkg, 'createUndiciTransport', 'function'),
    secretForms: member(core, pkg, 'secretForms', 'function'),
  };
}

/** Starts the simulator (`startSimulator` of @bbsync/simulator). */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const simulator = (await import('@bbsync/simulator')) as unknown as Record<string, unknown>;
  const start = member<(options: SimulatorOptions) => Promise<Simulator>>(simulator, '@bbsync/simulator', 'startSimulator', 'function');
  return start(options);
}
