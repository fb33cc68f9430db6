/** The two connectors by API kind (looked up by name: they land in parallel). */
import type { Connector } from '@bbsync/core';
import type { ApiKind } from './sync-job.js';

export async function loadConnector(api: ApiKind): Promise<Connector> {
  const module =
    api === 'cloud'
      ? ((await import('@bbsync/cloud')) as unknown as Record<string, unknown>)
      : ((await import('@bbsync/datacenter')) as unknown as Record<string, unknown>);
  const name = api === 'cloud' ? 'cloudConnector' : 'dataCenterConnector';
  const connector = module[name];
  if (typeof connector !== 'object' || connector === null) throw new Error(`@bbsync/${api} does not export ${name} (yet)`);
  return connector as Connector;
}
