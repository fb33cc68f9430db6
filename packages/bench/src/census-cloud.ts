/**
 * The Bitbucket Cloud census from the Cloud simulator's ground truth (listing ids as in floors.ts'
 * CLOUD_LISTINGS). Runs inside the simulator process.
 */
import type { CensusBuilder, TruthReader } from './census.js';
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

/** Default-branch commit hashes by repository uuid, cheap (`control.truthIds()`), when no diff is needed. */
export type CommitIds = Readonly<Record<string, readonly string[]>>;

/**
 * The Cloud census. Activity counts as one repository-wide feed per repository (cheaper than per pull
 * request). `commitIds`, when given, replaces the rendered commits (the large workspace has 500,000).
 */
export function cloudCensus(read: TruthReader<CloudTruthLike>, builder: CensusBuilder, commitIds?: CommitIds): Census {
  const repositories = read('repositories');
  builder.add('repositories', repositories, (r) => text(r.uuid));
  builder.add('members', read('members'), (m) => text((m.user as CloudObject | undefined)?.uuid));
  const pullrequests = read('pullrequests');
  for (const repository of repositories) {
    const uuid = text(repository.uuid);
    builder.add('pullrequests', pullrequests[uuid] ?? [], (pr) => `${uuid}#${text(pr.id)}`);
  }
  const byPullRequest = (kind: 'activity' | 'comments' | 'prCommits', each: (prKey: string, items: readonly CloudObject[]) => void): void => {
    const all = read(kind);
    for (const repository of repositories) {
      const uuid = text(repository.uuid);
      for (const pr of pullrequests[uuid] ?? []) {
        const prKey = `${uuid}#${text(pr.id)}`;
        each(prKey, all[prKey] ?? []);
      }
    }
  };
  const feeds = new Map<string, { key: string; item: CloudObject }[]>();
  byPullRequest('activity', (prKey, items) => {
    const uuid = prKey.slice(0, prKey.lastIndexOf('#'));
    const feed = feeds.get(uuid) ?? [];
    feeds.set(uuid, feed);
    feed.push(...withStableKeys(prKey, items));
  });
  for (const repository of repositories) builder.add('pullrequest-activity', feeds.get(text(repository.uuid)) ?? [], (entry) => entry.key);
  feeds.clear();
  byPullRequest('comments', (prKey, items) => builder.add('pullrequest-comments', items, (c) => `${prKey}/${text(c.id)}`));
  byPullRequest('prCommits', (prKey, items) => builder.add('pullrequest-commits', items, (c) => `${prKey}/${text(c.hash)}`));
  if (commitIds !== undefined) {
    for (const repository of repositories) {
      const uuid = text(repository.uuid);
      builder.add('commits', commitIds[uuid] ?? [], (hash) => `${uuid}/${hash}`);
    }
  } else {
    const commits = read('commits');
    for (const repository of repositories) builder.add('commits', commits[text(repository.uuid)] ?? [], (c) => `${text(repository.uuid)}/${text(c.hash)}`);
  }
  const pipelines = read('pipelines');
  for (const repository of repositories) builder.add('pipelines', pipelines[text(repository.uuid)] ?? [], (p) => `${text(repository.uuid)}/${text(p.uuid)}`);
  return builder.build('cloud', repositories.length);
}
