/**
 * The census: every listing a sync must read, with how many items it holds and how many of them are new or
 * changed since a snapshot, counted from the simulator's ground truth. Runs inside the simulator process (the
 * ground truth of the large workspace is big; only the counts cross to the parent).
 */
import { createHash } from 'node:crypto';
import type { ApiKind, Census, ListingCensus } from './protocol.js';

/** Fingerprints of records by listing id, then record key: what a snapshot remembers. */
export type Snapshot = Map<string, Map<string, string>>;

function fingerprint(record: unknown): string {
  return createHash('sha1').update(JSON.stringify(record)).digest('base64');
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

/** The Data Center census (listing ids as in floors.ts' DATACENTER_LISTINGS). */
export function dataCenterCensus(truth: DataCenterTruthLike, builder: CensusBuilder): Census {
  builder.add('projects', truth.projects, (p) => String(p.id));
  builder.add('repositories', truth.repositories, (r) => String(r.id));
  builder.add('users', truth.users, (u) => String(u.id));
  for (const repository of truth.repositories) {
    const pullRequests = truth.pullRequests[repository.id] ?? [];
    builder.add('pullrequests', pullRequests, (pr) => `${repository.id}/${pr.id}`);
    for (const pr of pullRequests) {
      const key = `${repository.id}/${pr.id}`;
      builder.add('pullrequest-activities', truth.activities[key] ?? [], (a) => `${key}/${a.id}`);
      // A pull request whose commits are gone still costs the request that finds out (an empty listing).
      builder.add('pullrequest-commits', truth.prCommits[key] ?? [], (c) => `${key}/${c.id}`);
    }
    builder.add('commits', truth.commits[repository.id] ?? [], (c) => `${repository.id}/${c.id}`);
  }
  return builder.build('datacenter', truth.repositories.length);
}
