/**
 * The benchmark's scenarios, declared. A session is one simulator (one process, one dataset) and one state
 * folder; its steps run in order against it, so the incremental steps continue from the full sync before them.
 */
import type { SimRateLimits, SimSize } from '@bbsync/simulator';
import type { ApiKind } from './protocol.js';

/** What a step measures, which decides its floor and its targets. */
export type StepKind =
  /** A first sync into empty state. */
  | 'full'
  /** An incremental run with nothing changed since the previous step. */
  | 'unchanged'
  /** An incremental run after `changeFraction` of the data changed through the control API. */
  | 'changed';

export interface Step {
  /** Unique id across all sessions, e.g. `cloud-medium-full`. */
  readonly id: string;
  readonly title: string;
  readonly kind: StepKind;
  /** For `changed`: the fraction of pull requests (and repositories pushed to) changed. */
  readonly changeFraction?: number | undefined;
  /** Whether the step is reported (a prerequisite full sync of an incremental-only selection is not). */
  readonly report?: boolean | undefined;
}

/** The aspects a session stresses, for the report. */
export type SessionProfile = 'medium' | 'budgets' | 'rate-limited' | 'large' | 'tokens' | 'pacing';

/**
 * What the Data Center sync is told about the server's rate limit: `configured` gives it the server's bucket
 * (`rateLimit: { capacity, refillPerSecond }`), `off` turns pacing off (`rateLimit: false`), `unset` leaves
 * `rateLimit` out (the default: full speed until a 429, then the rate the server allows).
 */
export type DataCenterPacing = 'configured' | 'off' | 'unset';

export interface Session {
  readonly id: string;
  readonly api: ApiKind;
  readonly profile: SessionProfile;
  readonly title: string;
  /** Why this session exists (shown in the report). */
  readonly purpose: string;
  readonly seed: number;
  readonly size: Partial<SimSize>;
  /** Injected latency per request, ms. */
  readonly latencyMs: number;
  /** Partitions read at once and requests in flight at once. */
  readonly concurrency: number;
  /** Credentials (distinct rate-limit identities) the sync uses. */
  readonly credentials: number;
  readonly rateLimits?: SimRateLimits | undefined;
  /** Requests answered 429 regardless of budgets (a 429 storm), with Retry-After. */
  readonly rateLimitRate?: number | undefined;
  /** Run the naive baseline beside the sync (not for the memory run: it would dominate the running time). */
  readonly baseline: boolean;
  /** The session whose first step's peak RSS this session's is compared with (the medium run of the same API). */
  readonly memoryReference?: string | undefined;
  /**
   * Stop the sync gracefully after this long (real ms), so `pnpm bench` stays within its time budget; a run
   * stopped this way is reported as such (its peak RSS still counts, for the part it read).
   */
  readonly deadlineMs?: number | undefined;
  /** Extra connector settings. */
  readonly config?: Readonly<Record<string, unknown>> | undefined;
  /** Data Center: what the sync is told about the rate limit. @default 'configured' where budgets bind, else 'off' */
  readonly dataCenterPacing?: DataCenterPacing | undefined;
  /** For a credential-scaling series: the session on one credential whose wall time this one's is compared with. */
  readonly scalingReference?: string | undefined;
  readonly steps: readonly Step[];
}

/** The "medium workspace" of the issue: about 100 repositories, 5,000 pull requests, 50,000 commits, 5,000 pipelines. */
export const MEDIUM: Partial<SimSize> = {
  repositories: 100,
  projects: 8,
  members: 60,
  pullRequestsPerRepo: 50,
  commitsPerRepo: 500,
  pipelinesPerRepo: 50,
};

/** Ten times the medium workspace: ten times the repositories, each as big as a medium one's. */
export const LARGE: Partial<SimSize> = {
  repositories: 1000,
  projects: 80,
  members: 600,
  pullRequestsPerRepo: 50,
  commitsPerRepo: 500,
  pipelinesPerRepo: 50,
};

/** A small workspace for the budget and 429 sessions, where waiting (not volume) is what is measured. */
export const SMALL: Partial<SimSize> = {
  repositories: 12,
  projects: 3,
  members: 14,
  pullRequestsPerRepo: 24,
  commitsPerRepo: 60,
  pipelinesPerRepo: 12,
};

/** Half the small workspace for the 429 storm: every 429 costs a second of Retry-After, so volume is not the point. */
export const STORM: Partial<SimSize> = { ...SMALL, repositories: 6, projects: 2 };

/** The Data Center pacing sessions' workspace: small enough that the default bucket (60 + 5/s) costs seconds, not minutes. */
export const PACING: Partial<SimSize> = { ...SMALL, repositories: 6, projects: 2, pullRequestsPerRepo: 12 };

/** Credential counts of the scaling series: Cloud's simulator offers three identities, Data Center any number of users. */
export const SCALING_CREDENTIALS: Readonly<Record<ApiKind, readonly number[]>> = { cloud: [1, 2, 3], datacenter: [1, 2, 4] };

/** Tiny sizes for `--quick` (the package's smoke test). */
const TINY: Partial<SimSize> = { repositories: 3, projects: 1, members: 5, pullRequestsPerRepo: 4, commitsPerRepo: 24, pipelinesPerRepo: 4 };
const TINY_LARGE: Partial<SimSize> = { ...TINY, repositories: 30, projects: 3, members: 12 };

/** Options of a scenario list. */
export interface ScenarioOptions {
  /** Tiny sizes and no latency: proves the harness runs, measures nothing. */
  readonly quick: boolean;
  /** Deadline of each large-workspace sync, ms (0 = none). @default 180_000 */
  readonly largeDeadlineMs?: number | undefined;
}

/** The large syncs' default deadline: keeps `pnpm bench` under 15 minutes on two cores. */
export const LARGE_DEADLINE_MS = 180_000;

const CHANGE_FRACTION = 0.01;

function sessionsFor(api: ApiKind, quick: boolean, largeDeadlineMs: number): Session[] {
  const name = api === 'cloud' ? 'Cloud' : 'Data Center';
  const latencyMs = quick ? 0 : 50;
  const medium = quick ? TINY : MEDIUM;
  const small = quick ? TINY : SMALL;
  const storm = quick ? TINY : STORM;
  const large = quick ? TINY_LARGE : LARGE;
  // Budgets: Cloud counts a rolling hour per identity, shrunk to 7.2 s (scale 0.002) so the benchmark waits
  // seconds, not hours; Data Center fills a token bucket per user.
  const budgets: SimRateLimits =
    api === 'cloud'
      ? { cloudPerHour: quick ? 40 : 50, cloudWindowScale: quick ? 0.0002 : 0.002, cloudRetryAfter: false }
      : { dataCenterBucket: { capacity: quick ? 10 : 20, fillPerSecond: quick ? 100 : 20 } };
  const noLimits: SimRateLimits = api === 'cloud' ? { cloudPerHour: 100_000_000 } : {};
  const scaling: Session[] = SCALING_CREDENTIALS[api].map((credentials) => ({
    id: `${api}-tokens-${credentials}`,
    api,
    profile: 'tokens',
    title: `${name}: ${credentials} credential${credentials === 1 ? '' : 's'} under a binding rate limit`,
    purpose:
      (api === 'cloud'
        ? `The small workspace with ${credentials} identit${credentials === 1 ? 'y' : 'ies'}, each allowed 50 requests per hour (the hour shrunk to 7.2 s).`
        : `The small workspace with ${credentials} user${credentials === 1 ? '' : 's'}, each with a token bucket of 20 refilled at 20 per second (configured).`) +
      ' The rate limit, not latency, bounds the run, so its wall time should shrink about as the credentials grow.',
    seed: 7,
    size: small,
    latencyMs,
    concurrency: 16,
    credentials,
    rateLimits: budgets,
    baseline: false,
    memoryReference: `${api}-medium`,
    scalingReference: credentials === 1 ? undefined : `${api}-tokens-1`,
    steps: [{ id: `${api}-tokens-${credentials}-full`, title: `Full sync, ${credentials} credential${credentials === 1 ? '' : 's'}`, kind: 'full' }],
  }));
  // Data Center servers differ in their rate limit (opt-in; 60 + 5/s by default when on): the sync is told
  // nothing and must run at full speed where the server allows it, and settle to the rate it answers 429s at.
  const pacing: Session[] =
    api === 'cloud'
      ? []
      : (
          [
            ['off', 'rate limiting off', undefined],
            ['default', 'the default bucket (60 + 5/s)', { capacity: 60, fillPerSecond: 5 }],
            ['tight', 'a tight bucket (10 + 3/s)', { capacity: 10, fillPerSecond: 3 }],
          ] as const
        ).map(([kind, text, bucket]) => ({
          id: `datacenter-pacing-${kind}`,
          api,
          profile: 'pacing',
          title: `Data Center: no rate limit configured, server with ${text}`,
          purpose: `A sync with no \`rateLimit\` configured (the default) against a server with ${text}: it should send at full speed until a 429, then follow Retry-After and learn the rate the server allows.`,
          seed: 13,
          size: quick ? TINY : PACING,
          latencyMs,
          concurrency: 16,
          credentials: 1,
          rateLimits: bucket === undefined ? {} : { dataCenterBucket: quick ? { capacity: Math.min(bucket.capacity, 10), fillPerSecond: 100 } : bucket },
          baseline: false,
          memoryReference: `${api}-medium`,
          dataCenterPacing: 'unset',
          steps: [{ id: `datacenter-pacing-${kind}-full`, title: `Full sync, ${text}`, kind: 'full' }],
        }));
  return [
    {
      id: `${api}-medium`,
      api,
      profile: 'medium',
      title: `${name}: medium workspace`,
      purpose: 'A first sync, then a run with nothing changed, then a run after 1% of the data changed.',
      seed: 20_261_101,
      size: medium,
      latencyMs,
      concurrency: 16,
      credentials: 1,
      rateLimits: noLimits,
      baseline: true,
      memoryReference: `${api}-medium`,
      steps: [
        { id: `${api}-medium-full`, title: 'Full sync', kind: 'full' },
        { id: `${api}-medium-unchanged`, title: 'Incremental, nothing changed', kind: 'unchanged' },
        { id: `${api}-medium-changed`, title: 'Incremental, 1% changed', kind: 'changed', changeFraction: CHANGE_FRACTION },
      ],
    },
    {
      id: `${api}-budgets`,
      api,
      profile: 'budgets',
      title: `${name}: three credentials with tight budgets`,
      purpose:
        api === 'cloud'
          ? 'Three credentials (two workspace access tokens and an API token: three identities), each allowed 50 requests per hour, the hour shrunk to 7.2 s: the budgets, not latency, bound the run.'
          : 'Three users, each with a token bucket of 20 refilled at 20 per second: the buckets, not latency, bound the run.',
      seed: 7,
      size: small,
      latencyMs,
      concurrency: 16,
      credentials: 3,
      rateLimits: budgets,
      baseline: false,
      memoryReference: `${api}-medium`,
      steps: [{ id: `${api}-budgets-full`, title: 'Full sync, budgets binding', kind: 'full' }],
    },
    {
      id: `${api}-rate-limited`,
      api,
      profile: 'rate-limited',
      title: `${name}: 429-heavy profile`,
      purpose:
        '20% of requests answer 429 (with Retry-After: 1) whatever the budget. Every attempt counts, so the request floor is the listing floor ÷ 0.8; each 429 costs its slot the second Retry-After names, so the wall floor adds 429s × 1 s ÷ concurrency.',
      seed: 11,
      size: storm,
      latencyMs,
      concurrency: 16,
      credentials: 1,
      rateLimits: noLimits,
      rateLimitRate: quick ? 0.05 : 0.2,
      baseline: false,
      memoryReference: `${api}-medium`,
      steps: [{ id: `${api}-rate-limited-full`, title: 'Full sync, 20% 429s', kind: 'full' }],
    },
    {
      id: `${api}-large`,
      api,
      profile: 'large',
      title: `${name}: large workspace (memory)`,
      purpose:
        'Ten times the medium workspace (1,000 repositories, 50,000 pull requests, 500,000 commits): peak RSS must stay flat. Latency is 5 ms (the run is about memory, not latency); both large syncs finish well within the deadline, which is only a safety net for `pnpm bench` on a busy machine.',
      seed: 20_261_102,
      size: large,
      latencyMs: quick ? 0 : 5,
      concurrency: 32,
      credentials: 1,
      rateLimits: noLimits,
      baseline: false,
      memoryReference: `${api}-medium`,
      deadlineMs: quick || largeDeadlineMs <= 0 ? undefined : largeDeadlineMs,
      steps: [{ id: `${api}-large-full`, title: 'Full sync, 10x data', kind: 'full' }],
    },
    ...scaling,
    ...pacing,
  ];
}

/** Every session, Cloud first. */
export function allSessions(options: ScenarioOptions): Session[] {
  const deadline = options.largeDeadlineMs ?? LARGE_DEADLINE_MS;
  return [...sessionsFor('cloud', options.quick, deadline), ...sessionsFor('datacenter', options.quick, deadline)];
}

/**
 * The sessions to run for a selection of session or step ids (prefixes match: `cloud` selects every Cloud
 * session). An incremental step needs the steps before it in its session, which then run unreported.
 */
export function selectSessions(all: readonly Session[], selection: readonly string[] | undefined): Session[] {
  if (selection === undefined || selection.length === 0) return [...all];
  const matches = (id: string) => selection.some((wanted) => id === wanted || id.startsWith(`${wanted}-`));
  const out: Session[] = [];
  for (const session of all) {
    if (matches(session.id) || selection.includes(session.api)) {
      out.push(session);
      continue;
    }
    const last = session.steps.reduce((found, step, index) => (matches(step.id) ? index : found), -1);
    if (last < 0) continue;
    out.push({ ...session, steps: session.steps.slice(0, last + 1).map((step) => ({ ...step, report: matches(step.id) })) });
  }
  const unknown = selection.filter((wanted) => !all.some((s) => s.api === wanted || matches(s.id) || s.steps.some((step) => matches(step.id))));
  if (unknown.length > 0) {
    const ids = all.flatMap((s) => [s.id, ...s.steps.map((step) => step.id)]);
    throw new Error(`unknown scenario ${unknown.map((u) => `'${u}'`).join(', ')}; known: cloud, datacenter, ${ids.join(', ')}`);
  }
  return out;
}
