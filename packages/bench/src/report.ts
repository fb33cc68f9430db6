/**
 * BENCHMARKS.md: the command, the machine, and a table per scenario (every figure beside its floor, PASS/MISS
 * beside each target, and why where one is missed), plus the listing rules the floors use.
 */
import { ENRICHMENTS, listingRules, OUTPUT_SPEC, SINGLE_GETS, type ListingRule } from './floors.js';
import type { ApiKind } from './protocol.js';
import type { FigureCheck, StepResult } from './results.js';
import type { Session } from './scenarios.js';
import type { StartupResult } from './startup.js';
import { checkStep, formatCount, formatMs } from './targets.js';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly node: string;
  /** One-minute load average at the start and at the end of the run (other work on the machine skews timings). */
  readonly load?: readonly [number, number] | undefined;
}

export interface ReportInput {
  readonly command: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly results: readonly StepResult[];
  readonly startup: StartupResult;
  /** Sessions that could not run, with why. */
  readonly failures: readonly { readonly session: string; readonly error: string }[];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

function sizeText(session: Session): string {
  const s = session.size;
  const prs = (s.repositories ?? 0) * (s.pullRequestsPerRepo ?? 0);
  const commits = (s.repositories ?? 0) * (s.commitsPerRepo ?? 0);
  const pipelines = session.api === 'cloud' ? `, ~${formatCount((s.repositories ?? 0) * (s.pipelinesPerRepo ?? 0))} pipelines` : '';
  return `${formatCount(s.repositories ?? 0)} repositories, ~${formatCount(prs)} pull requests, ~${formatCount(commits)} commits${pipelines}`;
}

function settingsText(session: Session): string {
  const limits = session.rateLimits;
  const bucket = limits?.dataCenterBucket;
  let budget: string;
  if (session.profile === 'pacing') {
    budget = `server ${bucket ? `token bucket ${bucket.capacity} + ${bucket.fillPerSecond}/s per user` : 'rate limiting off'}; the sync has no \`rateLimit\` configured`;
  } else if (session.profile !== 'budgets' && session.profile !== 'tokens') {
    budget = 'budgets not binding';
  } else if (session.api === 'cloud') {
    budget = `${session.credentials} identities × ${formatCount(limits?.cloudPerHour ?? 0)} requests per hour, the hour shrunk ×${limits?.cloudWindowScale ?? 1} (the sync's clock runs as much faster)`;
  } else {
    budget = `${session.credentials} users, token bucket ${bucket?.capacity ?? 0} + ${bucket?.fillPerSecond ?? 0}/s each (configured)`;
  }
  const storm = session.rateLimitRate ? `; ${Math.round(session.rateLimitRate * 100)}% of requests answer 429 (Retry-After: 1)` : '';
  const deadline = session.deadlineMs ? `; the sync stops gracefully after ${formatMs(session.deadlineMs)} (\`--large-deadline\`)` : '';
  return `latency ${session.latencyMs} ms per request; concurrency ${session.concurrency} (partitions and requests in flight); ${session.credentials} credential(s); ${budget}${storm}${deadline}`;
}

/** The figure table of one step. */
export function stepTable(checks: readonly FigureCheck[]): string {
  return table(
    ['figure', 'measured', 'floor / reference', 'ratio', 'target', 'result'],
    checks.map((c) => [c.figure, c.measured, c.reference, c.ratio, c.target, c.verdict === 'n/a' ? '—' : `**${c.verdict}**`]),
  );
}

function whyList(checks: readonly FigureCheck[]): string {
  const missed = checks.filter((c) => c.verdict === 'MISS');
  if (missed.length === 0) return '';
  return `\n\nWhy missed:\n${missed.map((c) => `- ${c.figure}: ${c.why ?? 'see the listing breakdown'}`).join('\n')}`;
}

function listingBreakdown(result: StepResult): string {
  const incremental = result.step.kind !== 'full';
  const rows = result.floor.byListing.map((f, i) => [
    f.rule.coveredBy === undefined ? f.rule.id : `${f.rule.id} (in ${f.rule.coveredBy})`,
    formatCount(f.listings),
    formatCount(f.items),
    incremental ? formatCount(f.changed) : '—',
    formatCount(f.requests),
    formatCount(result.pessimisticFloor.byListing[i]?.requests ?? 0),
    formatCount(result.requestsByListing[f.rule.id] ?? 0),
  ]);
  for (const rule of SINGLE_GETS[result.session.api]) {
    const count = formatCount(rule.count(result.census, incremental));
    rows.push([`single GETs: ${rule.endpoint}`, '—', '—', '—', count, count, '']);
  }
  const enrichmentPatterns = result.enrichments.map((e) => e.rule.pattern);
  for (const enrichment of result.enrichments) {
    rows.push([`enrichment, not in the floor: ${enrichment.rule.id} (${enrichment.rule.endpoint})`, '—', formatCount(enrichment.wanted), '—', '—', '—', formatCount(enrichment.requests)]);
  }
  for (const [endpoint, count] of Object.entries(result.otherRequests)) {
    if (enrichmentPatterns.some((pattern) => pattern.test(endpoint))) continue;
    rows.push([`not a listing: ${endpoint}`, '—', '—', '—', '', '', formatCount(count)]);
  }
  return table(['listing', 'listings', 'items', 'changed', 'floor requests', 'pessimistic floor', 'sync requests'], rows);
}

/** One step: its table, why any target was missed, and the listing breakdown. */
export function stepSection(result: StepResult): string {
  const checks = checkStep(result);
  const { outcome } = result;
  const change = result.change ? `\n\nChanged through the control API: ${result.change.what.join(', ')}.` : '';
  const facts = [
    `${formatCount(outcome.records)} records written`,
    `${formatCount(outcome.retries)} retries`,
    `${formatCount(outcome.rateLimited)} answered 429`,
    `${formatMs(outcome.rateLimitWaitMs)} waited for budgets`,
    `${formatCount(outcome.fsyncs)} fsyncs (${formatMs(outcome.fsyncMs)} summed)`,
    `simulator saw ${formatCount(result.serverRequests)} requests`,
  ].join(', ');
  return [
    `### ${result.step.title} (\`${result.step.id}\`)${change}`,
    '',
    stepTable(checks) + whyList(checks),
    '',
    `Run: ${outcome.status}; ${facts}.`,
    '',
    '<details><summary>Requests by listing, against the floor</summary>',
    '',
    listingBreakdown(result),
    '',
    '</details>',
  ].join('\n');
}

function summaryTable(results: readonly StepResult[]): string {
  return table(
    ['scenario', 'requests', 'request floor', 'pessimistic floor', 'wall time', 'wall floor', 'peak RSS', 'live heap', 'baseline requests', 'targets'],
    results.map((r) => {
      const checks = checkStep(r);
      const missed = checks.filter((c) => c.verdict === 'MISS').length;
      const passed = checks.filter((c) => c.verdict === 'PASS').length;
      return [
        `\`${r.step.id}\``,
        formatCount(r.outcome.requests),
        formatCount(r.requestFloor),
        formatCount(r.pessimisticRequestFloor),
        formatMs(r.outcome.wallMs),
        formatMs(Math.max(r.latencyFloorMs, r.rateFloorMs ?? 0)),
        `${(r.outcome.maxRssBytes / (1024 * 1024)).toFixed(0)} MB`,
        r.outcome.peakLiveHeapBytes === undefined ? '—' : `${(r.outcome.peakLiveHeapBytes / (1024 * 1024)).toFixed(0)} MB`,
        r.baseline ? formatCount(r.baseline.requests) : '—',
        missed === 0 ? `${passed} PASS` : `${passed} PASS, **${missed} MISS**`,
      ];
    }),
  );
}

/** The assumption a rule rests on, marked, and the rule that replaces it in the pessimistic floor. */
export function assumptionText(rule: ListingRule): string {
  const { assumption, pessimistic } = rule;
  if (assumption === undefined) return '—';
  const mark = assumption.verified ? 'verified' : '**UNVERIFIED**';
  const against = assumption.simulatorSwitch === undefined ? '' : ` (false under the simulator switch \`${assumption.simulatorSwitch}\`)`;
  const uncovered = rule.coveredBy !== undefined && pessimistic?.covered === false ? `not covered by \`${rule.coveredBy}\`, ` : '';
  const fallback = !assumption.verified && pessimistic !== undefined ? ` Pessimistic floor: ${uncovered}${pessimistic.incremental}: ${pessimistic.why}.` : '';
  return `${mark}: ${assumption.text}${against}. ${assumption.evidence}.${fallback}`;
}

function ruleText(rule: ListingRule): string {
  return rule.coveredBy === undefined ? `${rule.incremental}: ${rule.incrementalWhy}` : `costs nothing: its records are the \`comment\` items of \`${rule.coveredBy}\``;
}

/** The listing rules of an API: page maxima, incremental rules and the assumptions beside them. */
export function rulesTable(api: ApiKind): string {
  const rows = listingRules(api).map((rule: ListingRule) => [`\`${rule.id}\``, rule.endpoint, String(rule.maxPage), rule.maxPageSource, ruleText(rule), assumptionText(rule)]);
  const singles = SINGLE_GETS[api].map((rule) => `- Single GETs: \`${rule.endpoint}\`, ${rule.why}.`);
  const enrichments = ENRICHMENTS[api].map((rule) => `- Enrichment, charged on its own line and not in the floor: ${rule.id} (\`${rule.endpoint}\`) adds ${rule.adds}.`);
  return [
    table(['listing', 'endpoint', 'page max', 'source', 'incremental run', 'assumption'], rows),
    '',
    singles.length > 0 ? singles.join('\n') : '- Single GETs: none.',
    ...enrichments,
  ].join('\n');
}

/** The output specification of an API: the records the floors are drawn around. */
export function specList(api: ApiKind): string {
  return OUTPUT_SPEC[api].map((record) => `- \`${record.stream}\`: ${record.records}.`).join('\n');
}

function startupSection(startup: StartupResult): string {
  if (startup.kind === 'skipped') return `Skipped: ${startup.reason}`;
  return [
    table(
      ['figure', 'measured', 'target', 'result'],
      [['process start → first request to the simulator', formatMs(startup.firstRequestMs), '—', '—']],
    ),
    '',
    `Entry: \`${startup.entry}\`, spawned with \`INPUT_*\` variables pointing at the simulator (median of ${startup.runs} runs: ${startup.samplesMs.map((ms) => formatMs(ms)).join(', ')}).`,
  ].join('\n');
}

/** The "How to read this" section of BENCHMARKS.md, one bullet per line. */
export const HOW_TO_READ: readonly string[] = [
  '- **Output specification**: every floor is drawn around a fixed, written-down list of the records a sync must produce (per API, at the end), not around bbsync\'s strategy. What bbsync adds beyond it is an **enrichment**, charged on its own line ("commit details: N requests for M PR hashes": on Cloud, the full hashes of pull request merge and source commits and `commit_details`), never folded into the floor; a full sync that spends it shows that much above its floor.',
  '- **Request floor**: the minimum over the strategies the API allows: the sum over every listing the specification needs of `max(1, ceil(items / largest allowed page))`, plus the single GETs no strategy avoids, counted from the simulator\'s ground truth. An incremental run\'s floor counts only what changed, per listing rule; every rule that skips a listing states the assumption it rests on beside it, marked verified or **UNVERIFIED** against what is known of the real API (tables at the end). In a 429 storm every attempt counts, so the floor is divided by (1 − the 429 rate).',
  '- **Pessimistic floor**: the same with every unverified assumption taken to be false. Cloud: comments not covered by the activity feed (each pull request\'s comments listed on their own), comments and approvals bumping nothing (the repository-wide activity feed probed every run), a push not bumping the repository\'s `updated_on` (the default branch probed every run). Data Center: `order=NEWEST` not sorting by update (every pull request listing read whole every run), activities not bumping `updatedDate` (every pull request\'s activities read every run). The real API\'s floor lies between the two.',
  '- **Wall-time floor**: the floor\'s requests (not the sync\'s own count) × latency ÷ concurrency, with the concurrency pinned per scenario; where budgets bind, the time the budgets need to let the floor\'s requests through, if larger.',
  '- **Peak RSS and live heap**: `process.resourceUsage().maxRSS` of the sync process alone (the simulator runs in its own process), against the medium full sync of the same API; the live heap is the largest old-generation use seen (sampled every 250 ms: what survived the young generation, garbage not yet collected included). The sync process runs with the V8 flags the shipped entry points (the `bbsync` CLI and the action) set for themselves, named in each table.',
  '- **Baseline**: the sync a user would script with a generic client: follow `next` / `nextPageStart` from the first page, default page sizes, no filters, one request at a time, everything re-read every run (it has no state). Its requests are counted against the same simulator with no latency, and its wall time is derived as requests × latency.',
  '- **Why the Data Center baseline is close on a full sync** (about 1.1× bbsync\'s requests): Data Center has no repository-wide activity feed and no listing of many pull requests\' commits at once, so every pull request costs one activities request and one commits request whatever the client: about 9,000 of the medium full sync\'s 9,700 requests, in the baseline as in bbsync. Those per-pull-request children are unavoidable (they are most of the floor), and what a careful client saves beside them (largest pages on the other listings) is small. It is not a weak result: the gap opens on incremental runs, where bbsync reads children only for pull requests that changed.',
  '- **Credential scaling**: the `tokens` scenarios sync the same small workspace with 1, 2 and 4 credentials (Cloud: 1, 2 and 3, the simulator\'s distinct identities) under a binding rate limit per credential; each step compares its wall time with the 1-credential run\'s, against the ratio of their floors.',
  '- **Data Center pacing**: the `pacing` scenarios sync with no `rateLimit` configured (the default) against a server with rate limiting off, with the default bucket (60 + 5/s) and with a tight one; the sync should run at full speed until a 429, then follow Retry-After and settle to the rate the server allows, so each stays near its floor (latency where the limit is off, the bucket where it is on).',
  '- **Targets**: full sync ≤ 1.05 × the request floor (enrichments included); nothing changed ≤ 2 requests per repository plus listing pages; wall time ≤ 1.3 × its floor; peak RSS of the medium full sync under 200 MB, and with 10× the data ≤ 1.2 × the medium run\'s; incremental runs ≥ 5× fewer requests than the baseline; n credentials ≥ 0.8 × the speed-up of the floors.',
];

/** The "Reading the misses" section of BENCHMARKS.md. */
export const READING_THE_MISSES: readonly string[] = [
  '- **Full syncs of Cloud above 1.05 × the floor**: the commit-details enrichment (its own line in each table) is outside the output specification, so its GETs count above the floor.',
  '- **Peak RSS**: each large run\'s "why" splits its largest memory sample into the V8 heap (young generation and what is in use), Buffers and zlib, and the rest (the Node binary, about 50 MB, and the allocator). The young generation is a fixed cost of the runtime, not of the data: V8 grows it to its maximum under any sustained allocation, which is why the shipped entry points bound it (`--max-semi-space-size`) and ask V8 to favour size over speed (`--optimize-for-size`, which also keeps the old generation closer to what is live). What grows with the data is the state: one cursor per repository and stream.',
  '- **Wall time of the large runs**: their latency is 5 ms, so the floor assumes free CPU; the sync and the simulator share two cores, and the "why" gives the sync\'s own CPU time.',
  '- **Wall time under 429 storms**: a 429 with Retry-After pauses its credential (it is that identity\'s rate limit that answered), so every request on it waits, where the floor charges only the slot of the request that got the 429.',
  '- **Wall time of short runs** (nothing changed, 1% changed, pacing with the limit off): the floor divides the requests by the concurrency, but a sync\'s requests depend on each other (the repository listing before the pull requests, the pull requests before their children), so a run of a few hundred requests is bound by its chain of dependent requests and its start-up, not by the concurrency.',
  '- **Nothing changed on Cloud**: 3 requests per repository (pull request listing, activity feed, pipelines) is the floor while it is unknown whether comments and approvals bump a pull request\'s `updated_on`: each of the three alone sees a change the simulator\'s switches can produce (proven in `packages/bench/src/unchanged-floor.test.ts`). A user who knows the rule sets `activityBumpsPullRequestUpdatedOn` or `activityFeedCoversPullRequestUpdates` and gets 2.',
  '- **Requests of the Data Center pacing runs**: a sync told nothing about the server\'s bucket learns it from 429s, and each 429 is a request the floor (which knows the bucket) does not spend; their wall time, near the bucket\'s floor, is what the pacing is judged by.',
];

/** The whole BENCHMARKS.md. */
export function renderReport(input: ReportInput): string {
  const { machine } = input;
  const sessions: Session[] = [];
  for (const result of input.results) if (!sessions.includes(result.session)) sessions.push(result.session);
  const sections = sessions.map((session) => {
    const steps = input.results.filter((r) => r.session === session);
    return [
      `## ${session.title}`,
      '',
      `${session.purpose}`,
      '',
      `Dataset: ${sizeText(session)} (seed ${session.seed}). Settings: ${settingsText(session)}.`,
      '',
      steps.map((step) => stepSection(step)).join('\n\n'),
    ].join('\n');
  });
  const failures =
    input.failures.length === 0
      ? ''
      : `\n## Scenarios that did not run\n\n${input.failures.map((f) => `- \`${f.session}\`: ${f.error.split('\n')[0] ?? ''}`).join('\n')}\n`;
  return [
    '# bbsync benchmarks',
    '',
    ...(input.quick ? ['> **Quick run** (tiny sizes, no latency): proves the harness works; the figures mean nothing.', ''] : []),
    `Command: \`${input.command}\``,
    '',
    `Run ${input.startedAt.toISOString()}, took ${formatMs(input.durationMs)}. Machine: ${machine.cpu}, ${machine.cores} cores, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GB memory, ${machine.os}, Node ${machine.node}${machine.load ? `; load average ${machine.load[0].toFixed(1)} at the start, ${machine.load[1].toFixed(1)} at the end` : ''}.`,
    '',
    '## How to read this',
    '',
    ...HOW_TO_READ,
    '',
    '## Reading the misses',
    '',
    ...READING_THE_MISSES,
    '',
    '## Summary',
    '',
    summaryTable(input.results),
    '',
    sections.join('\n\n'),
    failures,
    '## Action start-up',
    '',
    startupSection(input.startup),
    '',
    '## Floors: output specification, listings, page maxima, incremental rules and their assumptions',
    '',
    '### Bitbucket Cloud',
    '',
    'Output specification (the records a sync must produce):',
    '',
    specList('cloud'),
    '',
    rulesTable('cloud'),
    '',
    '### Bitbucket Data Center',
    '',
    'Output specification (the records a sync must produce):',
    '',
    specList('datacenter'),
    '',
    rulesTable('datacenter'),
    '',
  ].join('\n');
}
