/**
 * The parts of bbsync a sync process uses, looked up by name so a missing export fails with a message that
 * says which one (the packages are built in parallel; a benchmark that cannot find a part says so and stops).
 */
import type { Clock, Connector, Credential, CredentialConfig, RunManifest, StateStore, SyncOptions } from '@bbsync/core';
import type { ApiKind } from './protocol.js';

/** What a sync needs from @bbsync/core. */
export interface CoreParts {
  runSync(options: SyncOptions): Promise<RunManifest>;
  openState(path: string, scope: string, clock: Clock): Promise<StateStore>;
  parseCredentials(configs: readonly CredentialConfig[]): Credential[];
}

function member<T>(module: Record<string, unknown>, pkg: string, name: string, kind: 'function' | 'object'): T {
  const value = module[name];
  if (typeof value !== kind || value === null) throw new Error(`${pkg} does not export ${name} (yet): the benchmark needs it`);
  return value as T;
}

/** Loads @bbsync/core's engine, state store and credential parser. */
export async function loadCore(): Promise<CoreParts> {
  const core = { ...((await import('@bbsync/core')) as unknown as Record<string, unknown>), ...((await import('../../core/src/engine/engine.js')) as unknown as Record<string, unknown>), ...((await import('../../core/src/state/file-state-store.js')) as unknown as Record<string, unknown>) };
  const runSync = member<CoreParts['runSync']>(core, '@bbsync/core', 'runSync', 'function');
  const parseCredentials = member<CoreParts['parseCredentials']>(core, '@bbsync/core', 'parseCredentials', 'function');
  const store = member<{ open(path: string, scope: string, options: { clock: Clock }): Promise<StateStore> }>(core, '@bbsync/core', 'FileStateStore', 'function');
  return {
    runSync,
    parseCredentials,
    openState: (path, scope, clock) => store.open(path, scope, { clock }),
  };
}

/** Loads a connector (`cloudConnector` from @bbsync/cloud, `dataCenterConnector` from @bbsync/datacenter). */
export async function loadConnector(api: ApiKind): Promise<Connector> {
  if (api === 'cloud') {
    const cloud = (await import('@bbsync/cloud')) as unknown as Record<string, unknown>;
    return member<Connector>(cloud, '@bbsync/cloud', 'cloudConnector', 'object');
  }
  const datacenter = (await import('@bbsync/datacenter')) as unknown as Record<string, unknown>;
  return member<Connector>(datacenter, '@bbsync/datacenter', 'dataCenterConnector', 'object');
}
