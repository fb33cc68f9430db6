/**
 * Floors: the least any sync strategy the API allows could spend to produce a fixed, written-down output
 * ({@link OUTPUT_SPEC}), computed from the simulator's ground truth. The floor is drawn around the output, not
 * around bbsync's strategy: what bbsync adds beyond the specification (its enrichments, {@link ENRICHMENTS}) is
 * charged on its own line and never folded into the floor.
 *
 * Requests: the sum over every listing the specification needs of `max(1, ceil(items / largest allowed page))`,
 * plus the single GETs no strategy avoids (see {@link SINGLE_GETS}). An incremental run reads only what changed,
 * by each listing's rule ({@link ListingRule.incremental}); every rule that skips a listing names the
 * assumption it rests on ({@link ListingRule.assumption}), and a pessimistic floor drops the unverified ones
 * ({@link ListingRule.pessimistic}).
 *
 * Wall time: the floor's requests × latency ÷ concurrency (the concurrency is pinned per scenario), and, where
 * budgets bind, the time the budgets need to let the floor's requests through.
 */
import { COMMIT_DETAILS_CENSUS, COMMIT_HASHES_CENSUS } from './census-cloud.js';
import type { ApiKind, Census, ListingCensus } from './protocol.js';

/**
 * How a listing is read by an incremental run:
 * - `full`: every page again (no filter exists, or deletions and renames only show in a full listing);
 * - `probe`: at least one request every run, then the pages of what changed (a filtered or newest-first listing);
 * - `if-changed`: nothing unless its items changed (a free signal elsewhere says so), then the pages of what changed.
 */
export type IncrementalRule = 'full' | 'probe' | 'if-changed';

/**
 * What a rule that skips work takes for granted about the API. `verified` only when /work/shared/BITBUCKET.md
 * (or a source it cites) says so; an unverified assumption has a pessimistic rule beside it.
 */
export interface Assumption {
  readonly text: string;
  readonly verified: boolean;
  /** Where it is verified, or what is known and why that is not enough. */
  readonly evidence: string;
  /** The simulator switch that makes it false, when there is one. */
  readonly simulatorSwitch?: string | undefined;
}

/** How a listing is read when its assumption does not hold. */
export interface PessimisticRule {
  readonly incremental: IncrementalRule;
  /** False when the covering listing cannot be relied on (the listing is then read on its own). */
  readonly covered: boolean;
  readonly why: string;
}

/** Which assumptions a floor takes: the stated ones, or none that is unverified. */
export type FloorAssumptions = 'stated' | 'pessimistic';

/** One kind of listing, its largest page and how an incremental run reads it. */
export interface ListingRule {
  /** Census key. */
  readonly id: string;
  readonly endpoint: string;
  /** Matches the simulator's `<METHOD> <endpoint template>` of the requests that read this listing. */
  readonly pattern: RegExp;
  /** Largest page the API allows on this listing. */
  readonly maxPage: number;
  /** Where the maximum comes from. */
  readonly maxPageSource: string;
  readonly incremental: IncrementalRule;
  /** Why this incremental rule. */
  readonly incrementalWhy: string;
  /** Another listing whose items already hold these records, so this listing costs nothing. */
  readonly coveredBy?: string | undefined;
  /** What the incremental rule (or the coverage) takes for granted; every skip has one. */
  readonly assumption?: Assumption | undefined;
  /** How the listing is read when an unverified assumption is false. */
  readonly pessimistic?: PessimisticRule | undefined;
}

/**
 * The output a sync must produce, per API: the records the floors are drawn around. A strategy that produces
 * these records (whatever its requests) meets the specification; anything beyond it is an enrichment.
 */
export interface OutputRecord {
  readonly stream: string;
  readonly records: string;
}

export const OUTPUT_SPEC: Readonly<Record<ApiKind, readonly OutputRecord[]>> = {
  cloud: [
    { stream: 'repositories', records: 'one per repository of the workspace, with its main branch (as the repository listing gives it)' },
    { stream: 'workspace_members', records: 'one per member of the workspace' },
    { stream: 'pull_requests', records: 'one per pull request in any state, with reviewers and participants (`fields=+values.reviewers,+values.participants`), commit hashes as listed (12 characters)' },
    { stream: 'pull_request_activity', records: 'one per item of the pull request activity (updates, approvals, changes requested, comments)' },
    { stream: 'pull_request_comments', records: 'one per comment of a pull request, in its current version' },
    { stream: 'pull_request_commits', records: 'one per commit of a pull request, as its commit listing gives it' },
    { stream: 'commits', records: "one per commit of the default branch's history" },
    { stream: 'pipelines', records: 'one per pipeline run' },
  ],
  datacenter: [
    { stream: 'projects', records: 'one per project' },
    { stream: 'repositories', records: 'one per repository, with its default branch' },
    { stream: 'users', records: 'one per user' },
    { stream: 'pull_requests', records: 'one per pull request in any state' },
    { stream: 'pull_request_activities', records: 'one per activity of a pull request (comments included)' },
    { stream: 'pull_request_commits', records: 'one per commit of a pull request' },
    { stream: 'commits', records: "one per commit of the default branch's history" },
  ],
};

/**
 * Why a nothing-changed run may spend more than 2 requests per repository, per API, where the API makes that
 * the floor for a strategy that does not know an unverified rule (each proven by a test named here).
 */
export const UNCHANGED_FLOOR_WHY: Readonly<Record<ApiKind, string | undefined>> = {
  cloud:
    "3 per repository is the floor while it is unknown whether comments and approvals bump a pull request's `updated_on` (unchanged-floor.test.ts): a withdrawn approval shows only in the pull request listing when they do, a comment only in the activity feed when they do not, a pipeline run only in the pipelines listing; a user who knows sets `activityBumpsPullRequestUpdatedOn` or `activityFeedCoversPullRequestUpdates` and gets 2",
  datacenter: undefined,
};

/** Requests a connector may spend beyond the specification, each counted and reported on its own line. */
export interface EnrichmentRule {
  readonly id: string;
  /** Matches the simulator's `<METHOD> <endpoint template>` of the enrichment's requests. */
  readonly pattern: RegExp;
  readonly endpoint: string;
  /** What it adds to the records. */
  readonly adds: string;
  /** How many things the enrichment wants to fill (e.g. pull request hashes), for "N requests for M …". */
  readonly wanted: (census: Census, incremental: boolean) => number;
  /** The least requests that fill them all: the ones no listing read for the specification gives. */
  readonly least: (census: Census, incremental: boolean) => number;
  /** Noun of `wanted`, plural. */
  readonly unit: string;
}

/**
 * The simulator switches the benchmark pins, so the page maxima below are certain (the simulator's defaults for
 * undocumented maxima could move; the floors must not move with them).
 */
export const PINNED_SWITCHES = {
  cloudMaxPagelen: { members: 100, comments: 100, commits: 100 },
  dataCenterMaxLimit: { default: 1000, activities: 500, commits: 100 },
} as const;

/** Bitbucket Cloud's listings for the eight Cloud streams. */
export const CLOUD_LISTINGS: readonly ListingRule[] = [
  {
    id: 'repositories',
    endpoint: 'GET /repositories/{ws}',
    pattern: /^GET \/repositories\/\{ws\}$/,
    maxPage: 100,
    maxPageSource: '"default value is 10 with 100 being the maximum allowed value" (paginated_* schemas)',
    incremental: 'full',
    incrementalWhy: 'deletions and renames only show in the full listing; it also carries every `updated_on` for free',
  },
  {
    id: 'members',
    endpoint: 'GET /workspaces/{ws}/members',
    pattern: /^GET \/workspaces\/\{ws\}\/members$/,
    maxPage: PINNED_SWITCHES.cloudMaxPagelen.members,
    maxPageSource: 'undocumented; the simulator is pinned to 100 (`cloudMaxPagelen.members`)',
    incremental: 'full',
    incrementalWhy: 'no filter but `user.email IN (...)`',
  },
  {
    id: 'pullrequests',
    endpoint: 'GET /repositories/{ws}/{repo}/pullrequests?state=…',
    pattern: /^GET \/repositories\/\{ws\}\/\{repo\}\/pullrequests$/,
    maxPage: 50,
    maxPageSource: '"with values greater than 50 the API returns HTTP 400" (jenkins bitbucket-branch-source-plugin)',
    incremental: 'probe',
    incrementalWhy: '`q=updated_on > …` returns only changed pull requests: one request when none changed',
    assumption: {
      text: 'every change a pull request record shows (state, title, reviewers, a push to its source) bumps its `updated_on`',
      verified: false,
      evidence: 'Renovate and faros filter this listing by `q=updated_on > …` [obs]; what bumps `updated_on` is not documented. The simulator has no switch against it, so the pessimistic floor keeps this rule',
    },
  },
  {
    id: 'pullrequest-activity',
    endpoint: 'GET /repositories/{ws}/{repo}/pullrequests/activity (repository-wide feed; per pull request when cheaper)',
    pattern: /\/pullrequests\/(\{id\}\/)?activity$/,
    maxPage: 50,
    maxPageSource: 'activity is "limited to 50" (faros-ai bitbucket source)',
    incremental: 'if-changed',
    incrementalWhy: 'only repositories whose pull request listing shows a change',
    assumption: {
      text: "a comment or approval bumps the pull request's `updated_on`, so the pull request listing says where activity happened",
      verified: false,
      evidence: 'BITBUCKET.md does not say what bumps `updated_on`; it is the simulator default only',
      simulatorSwitch: 'commentsBumpPullRequestUpdatedOn: false',
    },
    pessimistic: { incremental: 'probe', covered: false, why: 'the repository-wide feed is read newest first every run: one request per repository when nothing happened' },
  },
  {
    id: 'pullrequest-comments',
    endpoint: 'GET /repositories/{ws}/{repo}/pullrequests/{id}/comments',
    pattern: /\/pullrequests\/\{id\}\/comments$/,
    maxPage: PINNED_SWITCHES.cloudMaxPagelen.comments,
    maxPageSource: 'undocumented; the simulator is pinned to 100 (`cloudMaxPagelen.comments`)',
    incremental: 'if-changed',
    incrementalWhy: 'only pull requests whose comments changed (`q=updated_on > …`)',
    coveredBy: 'pullrequest-activity',
    assumption: {
      text: 'the `comment` items of the activity feed carry every comment whole (inline position, parent, deletions, edits), so the comment records need no listing of their own',
      verified: false,
      evidence: 'The spec says activity "returns reviewer comments" [spec]; whether an edited or deleted comment shows its current version there is not recorded anywhere',
    },
    pessimistic: { incremental: 'if-changed', covered: false, why: 'each pull request\'s comments are listed on a full sync, and again where the activity feed shows a comment' },
  },
  {
    id: 'pullrequest-commits',
    endpoint: 'GET /repositories/{ws}/{repo}/pullrequests/{id}/commits',
    pattern: /\/pullrequests\/\{id\}\/commits$/,
    maxPage: PINNED_SWITCHES.cloudMaxPagelen.commits,
    maxPageSource: 'undocumented; the simulator is pinned to 100 (`cloudMaxPagelen.commits`)',
    incremental: 'if-changed',
    incrementalWhy: 'only pull requests whose source moved',
    assumption: {
      text: "a pull request's commits change only when its source tip (`source.commit.hash`, in the pull request listing) or its destination branch moves",
      verified: true,
      evidence: 'The listing is "the commits that are being merged into the destination branch" [spec]: the two ends fix it, and both show in listings a run reads anyway',
    },
  },
  {
    id: 'commits',
    endpoint: 'GET /repositories/{ws}/{repo}/commits?include={main}',
    pattern: /^(GET|POST) \/repositories\/\{ws\}\/\{repo\}\/commits(\/\{revision\+\})?$/,
    maxPage: PINNED_SWITCHES.cloudMaxPagelen.commits,
    maxPageSource: 'undocumented; the simulator is pinned to 100 (`cloudMaxPagelen.commits`)',
    incremental: 'if-changed',
    incrementalWhy: 'only repositories whose `updated_on` moved (free in the repository listing); then `exclude=<previous head>`',
    assumption: {
      text: "a push to the default branch bumps the repository's `updated_on`",
      verified: false,
      evidence: 'BITBUCKET.md does not say what bumps a repository\'s `updated_on`; it is the simulator default only',
      simulatorSwitch: "repositoryUpdatedOnBumpedBy: 'nothing'",
    },
    pessimistic: { incremental: 'probe', covered: false, why: 'one `include=<main>&exclude=<previous head>` request per repository every run' },
  },
  {
    id: 'pipelines',
    endpoint: 'GET /repositories/{ws}/{repo}/pipelines',
    pattern: /^GET \/repositories\/\{ws\}\/\{repo\}\/pipelines$/,
    maxPage: 100,
    maxPageSource: 'spec: `pagelen` at most 100 (getPipelinesForRepository)',
    incremental: 'probe',
    incrementalWhy: 'no change signal elsewhere: one request newest first (`sort=-created_on`) every run',
  },
];

/** Bitbucket Data Center's listings for the seven Data Center streams. */
export const DATACENTER_LISTINGS: readonly ListingRule[] = [
  {
    id: 'projects',
    endpoint: 'GET /projects',
    pattern: /^GET \/projects$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.default,
    maxPageSource: 'server hard limit (`page.max.*`); the simulator is pinned to 1000 (`dataCenterMaxLimit.default`)',
    incremental: 'full',
    incrementalWhy: 'no change filter',
  },
  {
    id: 'repositories',
    endpoint: 'GET /repos (all projects)',
    pattern: /^GET (\/projects\/\{projectKey\})?\/repos$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.default,
    maxPageSource: 'the simulator is pinned to 1000 (`dataCenterMaxLimit.default`)',
    incremental: 'full',
    incrementalWhy: 'no change filter; deletions and moves only show in the full listing',
  },
  {
    id: 'users',
    endpoint: 'GET /users',
    pattern: /^GET \/users$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.default,
    maxPageSource: 'the simulator is pinned to 1000 (`dataCenterMaxLimit.default`)',
    incremental: 'full',
    incrementalWhy: 'no change filter',
  },
  {
    id: 'pullrequests',
    endpoint: 'GET /projects/{key}/repos/{slug}/pull-requests?state=ALL&order=NEWEST',
    pattern: /^GET \/projects\/\{projectKey\}\/repos\/\{repositorySlug\}\/pull-requests$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.default,
    maxPageSource: 'the simulator is pinned to 1000 (`dataCenterMaxLimit.default`)',
    incremental: 'probe',
    incrementalWhy: 'newest (updated) first: one request when none changed',
    assumption: {
      text: '`order=NEWEST` sorts by `updatedDate`, so the pull requests changed since the last run come first',
      verified: false,
      evidence: 'Whether NEWEST sorts by `updatedDate` or `createdDate` is not documented; faros assumes `updatedDate` [obs]',
    },
    pessimistic: { incremental: 'full', covered: false, why: 'every page of every repository\'s pull request listing every run' },
  },
  {
    id: 'pullrequest-activities',
    endpoint: 'GET …/pull-requests/{id}/activities',
    pattern: /\/pull-requests\/\{[^}]+\}\/activities$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.activities,
    maxPageSource: '`page.max.pullrequest.activities=500`, seen as `"limit":500` in a recording; pinned to 500',
    incremental: 'if-changed',
    incrementalWhy: 'only pull requests whose `updatedDate` moved',
    assumption: {
      text: "every activity (a comment, a review, an approval) bumps the pull request's `updatedDate`",
      verified: false,
      evidence: 'The webhook payloads carry `updatedDate` [obs]; that activities bump it is not documented',
    },
    pessimistic: { incremental: 'full', covered: false, why: "every pull request's activities are read every run (Data Center has no repository-wide activity feed)" },
  },
  {
    id: 'pullrequest-commits',
    endpoint: 'GET …/pull-requests/{id}/commits',
    pattern: /\/pull-requests\/\{[^}]+\}\/commits$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.commits,
    maxPageSource: '`page.max.commits=100`; pinned to 100',
    incremental: 'if-changed',
    incrementalWhy: 'only pull requests whose source moved',
    assumption: {
      text: "a pull request's commits change only when its source tip (`fromRef.latestCommit`, in the pull request listing) or its target branch moves",
      verified: true,
      evidence: 'The commits are those between the source tip and the target [spec]; both ends show in listings a run reads anyway',
    },
  },
  {
    id: 'commits',
    endpoint: 'GET /projects/{key}/repos/{slug}/commits',
    pattern: /^GET \/projects\/\{projectKey\}\/repos\/\{repositorySlug\}\/commits$/,
    maxPage: PINNED_SWITCHES.dataCenterMaxLimit.commits,
    maxPageSource: '`page.max.commits=100`; pinned to 100',
    incremental: 'probe',
    incrementalWhy: 'no free change signal on Data Center: one `since=<last commit>` request every run',
  },
];

/** Single GETs that no strategy avoids, per API. */
export interface SingleGetRule {
  readonly endpoint: string;
  /** How many a full sync (`incremental` false) or an incremental run needs. */
  readonly count: (census: Census, incremental: boolean) => number;
  readonly why: string;
}

/** Items and changed items of a census entry that is not a listing (e.g. {@link COMMIT_DETAILS_CENSUS}). */
function censusCount(census: Census, id: string, incremental: boolean): number {
  const entry = census.listings.find((listing) => listing.listing === id);
  let count = 0;
  for (const [key, listings] of Object.entries(entry?.histogram ?? {})) {
    const { items, changed } = parseKey(key);
    count += (incremental ? changed : items) * listings;
  }
  return count;
}

/**
 * Cloud: none. Condensed pull request rows lack `reviewers`/`participants`, but
 * `fields=+values.reviewers,+values.participants` adds them to the listing, and the repository listing carries
 * the main branch. (Full commit hashes and commit details are enrichments: {@link ENRICHMENTS}.)
 * Data Center: the repository listing has no default branch, which the specification's repository records
 * carry (ground truth's `defaultBranch`): one `GET …/default-branch` per repository on a full sync. An
 * incremental run is not charged for it (a strategy may re-check default branches only now and then), so the
 * floor stays a lower bound.
 */
export const SINGLE_GETS: Readonly<Record<ApiKind, readonly SingleGetRule[]>> = {
  cloud: [],
  datacenter: [
    {
      endpoint: 'GET /projects/{key}/repos/{slug}/default-branch (or the legacy …/branches/default)',
      count: (census, incremental) => (incremental ? 0 : census.repositories),
      why: 'one per repository on a full sync: the repository listing lacks the default branch that repository records carry (not charged to incremental runs)',
    },
  ],
};

/**
 * Cloud's commit details: pull request objects carry 12-character hashes; bbsync adds the full hash
 * (`hash_full`) of merge and source commits and a `commit_details` record for the source tip of a pull request
 * whose branch is gone. Neither is in the specification. A hash costs nothing when its commit is in a listing
 * the specification reads anyway (the pull request's commits, or the default branch's history); only the rest
 * costs `GET /commit/{hash}` (counted by the census from ground truth, see census-cloud.ts).
 */
export const ENRICHMENTS: Readonly<Record<ApiKind, readonly EnrichmentRule[]>> = {
  cloud: [
    {
      id: 'commit details',
      pattern: /^GET \/repositories\/\{ws\}\/\{repo\}\/commit\/\{[^}]+\}$/,
      endpoint: 'GET /repositories/{ws}/{repo}/commit/{sha}',
      adds: '`hash_full` of pull request merge and source commits, and `commit_details` for the source tip of a pull request whose branch is gone',
      wanted: (census, incremental) => censusCount(census, COMMIT_HASHES_CENSUS, incremental),
      least: (census, incremental) => censusCount(census, COMMIT_DETAILS_CENSUS, incremental),
      unit: 'PR hashes',
    },
  ],
  datacenter: [],
};

/** Requests of the sync that went to each enrichment, from the simulator's per-endpoint counts. */
export function enrichmentRequests(api: ApiKind, byEndpoint: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rule of ENRICHMENTS[api]) out[rule.id] = Object.entries(byEndpoint).reduce((sum, [endpoint, count]) => sum + (rule.pattern.test(endpoint) ? count : 0), 0);
  return out;
}

/** The single GETs a run of this census needs. */
export function singleGets(census: Census, incremental: boolean): number {
  return SINGLE_GETS[census.api].reduce((sum, rule) => sum + rule.count(census, incremental), 0);
}

/** The listing rules of an API. */
export function listingRules(api: ApiKind): readonly ListingRule[] {
  return api === 'cloud' ? CLOUD_LISTINGS : DATACENTER_LISTINGS;
}

/** Pages needed to read `items` items with pages of `maxPage`: an empty listing still costs one request. */
export function pagesFor(items: number, maxPage: number): number {
  return Math.max(1, Math.ceil(items / maxPage));
}

/**
 * The rule a floor applies: the stated one, or under `pessimistic` assumptions the pessimistic one wherever the
 * stated rule's assumption is unverified.
 */
export function effectiveRule(rule: ListingRule, assumptions: FloorAssumptions): Pick<ListingRule, 'maxPage' | 'incremental' | 'coveredBy'> {
  if (assumptions === 'stated' || rule.assumption?.verified !== false || rule.pessimistic === undefined) return rule;
  return { maxPage: rule.maxPage, incremental: rule.pessimistic.incremental, coveredBy: rule.pessimistic.covered ? rule.coveredBy : undefined };
}

/** Requests one listing costs under a rule: a full read, or an incremental read of `changed` items. */
export function listingCost(rule: Pick<ListingRule, 'maxPage' | 'incremental' | 'coveredBy'>, items: number, changed: number, incremental: boolean): number {
  if (rule.coveredBy !== undefined) return 0;
  if (!incremental || rule.incremental === 'full') return pagesFor(items, rule.maxPage);
  if (rule.incremental === 'probe') return pagesFor(changed, rule.maxPage);
  return changed > 0 ? pagesFor(changed, rule.maxPage) : 0;
}

/** The request floor of one listing kind, per listing id. */
export interface ListingFloor {
  readonly rule: ListingRule;
  /** Listings of this kind (e.g. one per pull request). */
  readonly listings: number;
  readonly items: number;
  readonly changed: number;
  readonly requests: number;
}

export interface RequestFloor {
  readonly assumptions: FloorAssumptions;
  readonly total: number;
  readonly byListing: readonly ListingFloor[];
  /** Single GETs included in the total. */
  readonly singleGets: number;
}

/** Parses a census histogram key `"<items>:<changed>"`. */
function parseKey(key: string): { items: number; changed: number } {
  const [items, changed] = key.split(':').map(Number);
  return { items: items ?? 0, changed: changed ?? 0 };
}

function floorOf(rule: ListingRule, census: ListingCensus | undefined, incremental: boolean, assumptions: FloorAssumptions): ListingFloor {
  const applied = effectiveRule(rule, assumptions);
  let listings = 0;
  let items = 0;
  let changed = 0;
  let requests = 0;
  for (const [key, count] of Object.entries(census?.histogram ?? {})) {
    const entry = parseKey(key);
    listings += count;
    items += entry.items * count;
    changed += entry.changed * count;
    requests += listingCost(applied, entry.items, entry.changed, incremental) * count;
  }
  return { rule, listings, items, changed, requests };
}

/**
 * The request floor of a full sync (`incremental` false) or of an incremental run after the changes the
 * census counted, under the stated assumptions or the pessimistic ones. A listing kind the census lacks costs
 * nothing (the simulator could not count it).
 */
export function requestFloor(census: Census, incremental: boolean, assumptions: FloorAssumptions = 'stated'): RequestFloor {
  const byListing = listingRules(census.api).map((rule) =>
    floorOf(
      rule,
      census.listings.find((listing) => listing.listing === rule.id),
      incremental,
      assumptions,
    ),
  );
  const single = singleGets(census, incremental);
  return { assumptions, total: byListing.reduce((sum, floor) => sum + floor.requests, 0) + single, byListing, singleGets: single };
}

/**
 * The listing pages an incremental run always reads (the `full` listings): the "plus listing pages" of the
 * nothing-changed target.
 */
export function workspaceListingPages(census: Census): number {
  return requestFloor(census, true).byListing.filter((floor) => floor.rule.incremental === 'full').reduce((sum, floor) => sum + floor.requests, 0);
}

/** Wall-time floor from latency: every request waits `latencyMs`, `concurrency` at a time. */
export function latencyFloorMs(requests: number, latencyMs: number, concurrency: number): number {
  return (requests * latencyMs) / concurrency;
}

/** A rate limit, as the simulator enforces it. */
export type RateLimitSpec =
  | { readonly kind: 'rolling-window'; readonly perWindow: number; readonly windowMs: number; readonly identities: number }
  | { readonly kind: 'token-bucket'; readonly capacity: number; readonly fillPerSecond: number; readonly identities: number };

/**
 * Wall-time floor from budgets for `requests` accepted requests:
 * - rolling window (Cloud): at most `perWindow × identities` requests in any window, so request number
 *   k·W + 1 cannot go before k windows have passed;
 * - token bucket (Data Center): the buckets start full, then refill at `fillPerSecond` each.
 */
export function rateLimitFloorMs(requests: number, limit: RateLimitSpec): number {
  if (requests <= 0) return 0;
  if (limit.kind === 'rolling-window') {
    const perWindow = limit.perWindow * limit.identities;
    return Math.floor((requests - 1) / perWindow) * limit.windowMs;
  }
  const burst = limit.capacity * limit.identities;
  return (Math.max(0, requests - burst) / (limit.fillPerSecond * limit.identities)) * 1000;
}

/** Requests by listing id, from the simulator's per-endpoint counts; `other` holds the rest by endpoint. */
export function requestsByListing(api: ApiKind, byEndpoint: Readonly<Record<string, number>>): { byListing: Record<string, number>; other: Record<string, number> } {
  const byListing: Record<string, number> = {};
  const other: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(byEndpoint)) {
    const id = listingRules(api).find((rule) => rule.pattern.test(endpoint))?.id;
    if (id === undefined) other[endpoint] = (other[endpoint] ?? 0) + count;
    else byListing[id] = (byListing[id] ?? 0) + count;
  }
  return { byListing, other };
}

/** Seconds the simulator's storm 429s name in Retry-After. */
export const STORM_RETRY_AFTER_MS = 1000;

/**
 * Wall-time floor in a 429 storm: every attempt waits the latency, and every 429 also holds its slot for the
 * Retry-After the server named (authoritative: no strategy may retry sooner on that credential).
 */
export function stormFloorMs(requests: number, rateLimited: number, latencyMs: number, concurrency: number): number {
  return (requests * latencyMs + rateLimited * STORM_RETRY_AFTER_MS) / concurrency;
}
