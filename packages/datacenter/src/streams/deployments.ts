/**
 * `deployments` (Data Center): inferred by the configured rules, since Data Center has no pipelines and no
 * listable deployments (BITBUCKET.md 2.x). Per repository and run:
 * - tag rules: `GET …/tags?orderBy=MODIFICATION` (every page: a tag can be created on an old commit, so no
 *   page can be skipped), and for each matching tag that is new or moved since last time, one
 *   `GET …/commits/{id}`: a tag names its commit but not its date, so the commit's committer date is the
 *   deployment's time;
 * - release-branch rules: `GET …/commits?until=refs/heads/<branch>&merges=only&since=<last read>`, newest
 *   first: each merge commit on the branch is a deployment (at its committer date).
 * Every inferred deployment is SUCCESSFUL (a tag or a merge says nothing about how the deployment went).
 * A nothing-changed repository costs one tags page plus one page per release-branch rule.
 */
import type { DeploymentRecord, StreamDefinition } from '@bbsync/core';
import type { DcCommit, DcTag } from '../api-types.js';
import type { DataCenterConfig } from '../config.js';
import { environmentTypeFor, tagRuleMatcher, type DataCenterDeploymentRule } from '../deployments/rules.js';
import { listing } from '../listing.js';
import { OUTPUTS } from '../outputs.js';
import { repositoryRef, requestContext, type RepositoryPartition } from '../partition.js';
import { commitPath, commitsPath, tagsPath } from '../paths.js';

export const DEPLOYMENTS = 'deployments';

export interface DeploymentsCursor {
  readonly version: 1;
  /** Matching tags read: tag name → the commit it pointed at. */
  readonly tags: Readonly<Record<string, string>>;
  /** Per release-branch rule name: the newest merge commit read. */
  readonly branches: Readonly<Record<string, string>>;
}

export const deploymentsStream: StreamDefinition<RepositoryPartition, DeploymentsCursor, DataCenterConfig> = {
  name: DEPLOYMENTS,
  outputs: [OUTPUTS.deployments],
  scope: 'repository',
  requires: 'REPO_READ',
  async read(ctx, partition) {
    const { cursor, config } = ctx;
    const ref = repositoryRef(partition);
    const rules = config.deployments;
    const start = cursor === undefined ? ctx.startDate?.getTime() : undefined;
    const record = (rule: DataCenterDeploymentRule, id: string, commit: string, at: number | undefined): DeploymentRecord => {
      const when = at === undefined ? null : new Date(at).toISOString();
      return {
        id,
        repository: partition.key,
        environment: rule.environment,
        environment_type: environmentTypeFor(rule),
        state: 'SUCCESSFUL',
        started_on: when,
        completed_on: when,
        commit,
        pipeline: null,
        origin: 'inferred',
        rule: rule.name,
      };
    };

    const tags: Record<string, string> = {};
    const ruleOf = tagRuleMatcher(rules);
    if (rules.some((rule) => rule.tag !== undefined)) {
      const listed = listing<DcTag>(ctx.client, {
        url: tagsPath(ref),
        query: { orderBy: 'MODIFICATION' },
        limit: config.pageSize,
        context: requestContext(DEPLOYMENTS, partition),
        signal: ctx.signal,
      });
      for await (const tag of listed) {
        const rule = ruleOf(tag.displayId);
        const commit = tag.latestCommit ?? tag.latestChangeset;
        if (rule === undefined || commit === undefined) continue;
        tags[tag.displayId] = commit;
        if (cursor?.tags[tag.displayId] === commit) continue;
        const response = await ctx.client.request<DcCommit>({
          url: commitPath(ref, commit),
          expect: [404],
          context: requestContext(DEPLOYMENTS, partition),
          signal: ctx.signal,
        });
        if (response.status === 404) {
          ctx.absence(`commit ${commit} of tag ${tag.displayId}`, 404);
          continue;
        }
        const at = response.body.committerTimestamp ?? response.body.authorTimestamp;
        if (start !== undefined && at !== undefined && at < start) continue;
        await ctx.record(DEPLOYMENTS, record(rule, `tag:${tag.displayId}`, commit, at));
      }
    }

    const branches: Record<string, string> = {};
    for (const rule of rules) {
      if (rule.releaseBranch === undefined) continue;
      const since = cursor?.branches[rule.name];
      const merges = listing<DcCommit>(ctx.client, {
        url: commitsPath(ref),
        query: { until: `refs/heads/${rule.releaseBranch}`, merges: 'only', ignoreMissing: true, ...(since !== undefined ? { since } : {}) },
        limit: config.pageSize,
        expect: [404],
        context: requestContext(DEPLOYMENTS, partition),
        signal: ctx.signal,
      });
      let newest: string | undefined;
      for await (const commit of merges) {
        newest ??= commit.id;
        const at = commit.committerTimestamp ?? commit.authorTimestamp;
        if (start !== undefined && at !== undefined && at < start) break;
        await ctx.record(DEPLOYMENTS, record(rule, `merge:${commit.id}`, commit.id, at));
      }
      if (merges.answeredWith !== undefined) ctx.absence(`release branch ${rule.releaseBranch}`, merges.answeredWith);
      const kept = newest ?? since;
      if (kept !== undefined) branches[rule.name] = kept;
    }
    return { version: 1, tags, branches };
  },
};
