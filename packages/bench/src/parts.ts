/**
 * The parts of bbsync a sync process uses: core's engine, state store and credential parser, and the two
 * connectors (each implements core's `Connector`).
 */
import { FileStateStore, parseCredentials, runSync, type Clock, type Connector, type Credential, type CredentialConfig, type RunManifest, type StateStore, type SyncOptions } from '@bbsync/core';
import { cloudConnector } from '@bbsync/cloud';
import { dataCenterConnector } from '@bbsync/datacenter';
import type { ApiKind } from './protocol.js';

/** What a sync needs from @bbsync/core. */
export interface CoreParts {
  runSync(options: SyncOptions): Promise<RunManifest>;
  openState(path: string, scope: string, clock: Clock): Promise<StateStore>;
  parseCredentials(configs: readonly CredentialConfig[]): Credential[];
}

/** @bbsync/core's engine, state store and credential parser. */
export function loadCore(): CoreParts {
  return {
    runSync: (options) => runSync(options),
    parseCredentials: (configs) => parseCredentials(configs),
    openState: (path, scope, clock) => FileStateStore.open(path, scope, { clock }),
  };
}

/** The connector of an API. */
export function loadConnector(api: ApiKind): Connector {
  return api === 'cloud' ? cloudConnector : dataCenterConnector;
}
