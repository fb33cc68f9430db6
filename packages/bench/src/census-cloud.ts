/**
 * The Bitbucket Cloud census from the Cloud simulator's ground truth (listing ids as in floors.ts'
 * CLOUD_LISTINGS). Runs inside the simulator process.
 */
import type { CensusBuilder } from './census.js';
import type { Census } from './protocol.js';

type CloudObject = Readonly<Record<string, unknown>>;

/** The part of the Cloud ground truth the census reads. */
export interface CloudTruthLike {
  readonly repositories: readonly CloudObject[];
  readonly members: readonly CloudObject[];
  /** By repository uuid. */
  readonly pullrequests: Readonly<Record<string, readonly CloudObject[]>>;
  /** By `${repositoryUuid}#${pullRequestId}`, newest first. */
  readonly activity: Readonly<Record<string, readonly CloudObject[]>>;
  /** By `${repositoryUuid}#${pullRequestId}`. */
  readonly comments: Readonly<Record<string, readonly CloudObject[]>>;
  readonly prCommits: Readonly<Record<string, readonly CloudObject[]>>;
  /** By repository uuid. */
  readonly commits: Readonly<Record<string, readonly CloudObject[]>>;
  readonly pipelines: Readonly<Record<string, readonly CloudObject[]>>;
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));

/**
 * Activity items have no id; they are listed newest first, so an item's position counted from the oldest end
 * is stable while new items arrive.
 */
function withStableKeys(prKey: string, items: readonly CloudObject[]): { key: string; item: CloudObject }[] {
  return items.map((item, i) => ({ key: `${prKey}/${items.length - 1 - i}`, item }));
}

/** The Cloud census. Activity counts as one repository-wide feed per repository (cheaper than per pull request). */
export function cloudCensus(truth: CloudTruthLike, builder: CensusBuilder): Census {
  builder.add('repositories', truth.repositories, (r) => text(r.uuid));
  builder.add('members', truth.members, (m) => text((m.user as CloudObject | undefined)?.uuid));
  for (const repository of truth.repositories) {
    const uuid = text(repository.uuid);
    const pullRequests = truth.pullrequests[uuid] ?? [];
    builder.add('pullrequests', pullRequests, (pr) => `${uuid}#${text(pr.id)}`);
    const feed: { key: string; item: CloudObject }[] = [];
    for (const pr of pullRequests) {
      const prKey = `${uuid}#${text(pr.id)}`;
      feed.push(...withStableKeys(prKey, truth.activity[prKey] ?? []));
      builder.add('pullrequest-comments', truth.comments[prKey] ?? [], (c) => `${prKey}/${text(c.id)}`);
      builder.add('pullrequest-commits', truth.prCommits[prKey] ?? [], (c) => `${prKey}/${text(c.hash)}`);
    }
    builder.add('pullrequest-activity', feed, (entry) => entry.key, 'pullrequest-activity');
    builder.add('commits', truth.commits[uuid] ?? [], (c) => `${uuid}/${text(c.hash)}`);
    builder.add('pipelines', truth.pipelines[uuid] ?? [], (p) => `${uuid}/${text(p.uuid)}`);
  }
  return builder.build('cloud', truth.repositories.length);
}
