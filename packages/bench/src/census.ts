/**
 * The census: every listing a sync must read, with how many items it holds and how many of them are new or
 * changed since a snapshot, counted from the simulator's ground truth. Runs inside the simulator process (the
 * ground truth of the large workspace is big; only the counts cross to the parent).
 */
import { createHash } from 'node:crypto';
import type { ApiKind, Census, ListingCensus } from './protocol.js';

/** Fingerprints of records by listing id, then record key: what a snapshot remembers. */
export type Snapshot = Map<string, Map<string, string>>;

/**
 * A record's fingerprint, without its `links`: links carry the origin, which the simulator learns from the
 * first request's Host header, so they move without the data changing.
 */
function fingerprint(record: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(record, (key, value: unknown) => (key === 'links' ? undefined : value)))
    .digest('base64');
}

/** Counts listings into histograms, comparing records with a previous snapshot. */
export class CensusBuilder {
  readonly #histograms = new Map<string, Map<string, number>>();
  readonly #records = new Map<string, number>();
  readonly #previous: Snapshot | undefined;
  /** The snapshot being taken, when asked for. */
  readonly next: Snapshot | undefined;

  constructor(previous: Snapshot | undefined, takeSnapshot: boolean) {
    this.#previous = previous;
    this.next = takeSnapshot ? new Map() : undefined;
  }

  /**
   * Adds one listing of kind `listing` holding `items`, keyed by `keyOf`. Items are "changed" when there is no
   * previous snapshot (a full sync reads everything) or their fingerprint is new.
   */
  add<T>(listing: string, items: readonly T[], keyOf: (item: T) => string, countAs: string = listing): void {
    let changed = 0;
    const before = this.#previous?.get(listing);
    let after = this.next?.get(listing);
    if (this.next !== undefined && after === undefined) {
      after = new Map();
      this.next.set(listing, after);
    }
    if (this.#previous === undefined && after === undefined) {
      changed = items.length;
    } else {
      for (const item of items) {
        const key = keyOf(item);
        const print = fingerprint(item);
        after?.set(key, print);
        if (this.#previous === undefined || before?.get(key) !== print) changed += 1;
      }
    }
    const histogram = this.#histograms.get(listing) ?? new Map<string, number>();
    this.#histograms.set(listing, histogram);
    const bucket = `${items.length}:${changed}`;
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
    this.#records.set(countAs, (this.#records.get(countAs) ?? 0) + items.length);
  }

  build(api: ApiKind, repositories: number): Census {
    const listings: ListingCensus[] = [...this.#histograms].map(([listing, histogram]) => ({ listing, histogram: Object.fromEntries(histogram) }));
    return { api, repositories, records: Object.fromEntries(this.#records), listings };
  }
}

/** The part of the Data Center ground truth the census reads. */
export interface DataCenterTruthLike {
  readonly projects: readonly { readonly id: number }[];
  readonly repositories: readonly { readonly id: number }[];
  readonly users: readonly { readonly id: number }[];
  readonly commits: Readonly<Record<number, readonly { readonly id: string }[]>>;
  readonly pullRequests: Readonly<Record<number, readonly { readonly id: number }[]>>;
  readonly activities: Readonly<Record<string, readonly { readonly id: number }[]>>;
  readonly prCommits: Readonly<Record<string, readonly { readonly id: string }[]>>;
}

/** Reads one kind of the ground truth at a time (so a big kind can be dropped before the next is built). */
export type TruthReader<T> = <K extends keyof T>(kind: K) => T[K];

/** The Data Center census (listing ids as in floors.ts' DATACENTER_LISTINGS). */
export function dataCenterCensus(read: TruthReader<DataCenterTruthLike>, builder: CensusBuilder): Census {
  const repositories = read('repositories');
  builder.add('projects', read('projects'), (p) => String(p.id));
  builder.add('repositories', repositories, (r) => String(r.id));
  builder.add('users', read('users'), (u) => String(u.id));
  const pullRequests = read('pullRequests');
  const prKeys = (repository: { readonly id: number }): string[] => (pullRequests[repository.id] ?? []).map((pr) => `${repository.id}/${pr.id}`);
  for (const repository of repositories) builder.add('pullrequests', pullRequests[repository.id] ?? [], (pr) => `${repository.id}/${pr.id}`);
  const activities = read('activities');
  for (const repository of repositories) for (const key of prKeys(repository)) builder.add('pullrequest-activities', activities[key] ?? [], (a) => `${key}/${a.id}`);
  // A pull request whose commits are gone still costs the request that finds out (an empty listing).
  const prCommits = read('prCommits');
  for (const repository of repositories) for (const key of prKeys(repository)) builder.add('pullrequest-commits', prCommits[key] ?? [], (c) => `${key}/${c.id}`);
  const commits = read('commits');
  for (const repository of repositories) builder.add('commits', commits[repository.id] ?? [], (c) => `${repository.id}/${c.id}`);
  return builder.build('datacenter', repositories.length);
}
