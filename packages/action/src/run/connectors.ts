/** The two connectors, reached only through core's `Connector` interface. */
import { cloudConnector } from '@bbsync/cloud';
import type { Connector } from '@bbsync/core';
import { dataCenterConnector } from '@bbsync/datacenter';

export type SourceKind = 'cloud' | 'datacenter';

/** The connector of a source kind. */
export function connectorFor(source: SourceKind): Connector {
  return source === 'cloud' ? cloudConnector : dataCenterConnector;
}

/** Output stream names per source, for config validation and the JSON Schema. */
export function knownStreams(): Record<SourceKind, readonly string[]> {
  return { cloud: cloudConnector.streamNames, datacenter: dataCenterConnector.streamNames };
}
