/**
 * `pipelines`: `GET /pipelines?sort=-created_on` (newest first; "sort … created_on", spec) stopping at the
 * newest build number already read, plus the pipelines that were still running last time: the cursor keeps
 * their UUIDs and build numbers, and each is read again until it completes (a pipeline's state changes
 * without anything that a listing filter could find). To bring them up to date, bbsync either keeps scanning
 * the listing down to the oldest of them or GETs each one (`/pipelines/{uuid}`), whichever takes fewer
 * requests.
 */
import type { StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { listFields, objectFields, PIPELINE_FIELDS } from '../fields.js';
import { listPages } from '../listing.js';
import { repositoryBase, requestContext, type RepositoryPartition } from '../partition.js';
import { pipelinePath } from '../paths.js';
import type { CloudPipeline } from '../records.js';
import { millis } from '../time.js';

export const PIPELINES = 'pipelines';

export interface PipelinesCursor {
  readonly version: 1;
  /** The newest build number read. */
  readonly buildNumber?: number | undefined;
  /** Pipelines not completed when last read. */
  readonly running: readonly { readonly uuid: string; readonly buildNumber: number }[];
}

/** `repositoryUuid:pipelineUuid`. */
export function pipelineKey(record: { readonly repository_uuid: string; readonly uuid: string }): string {
  return `${record.repository_uuid}:${record.uuid}`;
}

export const pipelinesStream: StreamDefinition<RepositoryPartition, PipelinesCursor, CloudConfig> = {
  name: PIPELINES,
  outputs: [{ name: PIPELINES, primaryKey: pipelineKey }],
  scope: 'repository',
  requires: 'pipeline',
  async read(ctx, partition) {
    const { cursor, config } = ctx;
    const base = repositoryBase(config, partition);
    const pagelen = config.pageSizes.pipelines;
    const previousBuild = cursor?.buildNumber;
    const pending = new Map((cursor?.running ?? []).map((pipeline) => [pipeline.uuid, pipeline.buildNumber]));
    const start = cursor === undefined ? ctx.startDate?.getTime() : undefined;
    const running: { uuid: string; buildNumber: number }[] = [];
    let newest = previousBuild;
    let scanningOld = false;

    const emit = async (pipeline: CloudPipeline) => {
      if (pipeline.state?.name !== 'COMPLETED' && pipeline.build_number !== undefined) {
        running.push({ uuid: pipeline.uuid, buildNumber: pipeline.build_number });
      }
      await ctx.record(PIPELINES, { ...pipeline, repository_uuid: partition.key });
    };

    listing: for await (const page of listPages<CloudPipeline>(
      ctx.client,
      {
        url: `${base}/pipelines`,
        query: { pagelen, sort: '-created_on', fields: listFields(PIPELINE_FIELDS) },
        context: requestContext(PIPELINES, partition),
        signal: ctx.signal,
      },
      { kind: 'pipelines', key: (pipeline) => pipeline.uuid },
    )) {
      let lastBuild: number | undefined;
      for (const pipeline of page.items) {
        const build = pipeline.build_number ?? 0;
        lastBuild = build;
        newest = Math.max(newest ?? 0, build);
        if (start !== undefined && millis(pipeline.created_on) < start) break listing;
        if (previousBuild === undefined || build > previousBuild) {
          await emit(pipeline);
          continue;
        }
        // Already read before: only the ones that were running matter.
        scanningOld = true;
        if (pending.delete(pipeline.uuid)) await emit(pipeline);
        if (pending.size === 0) break listing;
      }
      // A first sync reads everything; an incremental run reads on while the page held only new pipelines.
      if (previousBuild === undefined || !scanningOld) continue;
      if (pending.size === 0) break;
      // Keep scanning only while that is cheaper than one GET per pipeline still to revisit.
      const oldest = Math.min(...pending.values());
      const pagesLeft = Math.ceil(Math.max(0, (lastBuild ?? oldest) - oldest) / pagelen);
      if (pagesLeft > pending.size) break;
    }

    for (const uuid of pending.keys()) {
      const response = await ctx.client.request<CloudPipeline>({
        url: pipelinePath(base, uuid),
        query: { fields: objectFields(PIPELINE_FIELDS) },
        context: requestContext(PIPELINES, partition),
        expect: [404],
        signal: ctx.signal,
      });
      if (response.status === 404) {
        ctx.absence(`pipeline ${uuid} (running last time) is gone`, 404);
        continue;
      }
      await emit(response.body);
    }
    return { version: 1, buildNumber: newest, running };
  },
};
