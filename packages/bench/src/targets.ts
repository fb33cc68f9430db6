/**
 * The targets of the issue, checked figure by figure:
 * - a full sync spends at most 1.05 × the request floor (enrichments included: they are not in the floor);
 * - a run with nothing changed spends at most 2 requests per repository plus the listing pages;
 * - wall time is at most 1.3 × its floor (latency, or budgets where they bind, for the floor's requests);
 * - peak RSS of the medium full sync is under 200 MB, and with ten times the data at most 1.2 × the medium run's;
 * - incremental runs spend at least 5 × fewer requests than the baseline;
 * - with n credentials under a binding rate limit, wall time shrinks at least 0.8 × as much as the floor does.
 */
import { UNCHANGED_FLOOR_WHY } from './floors.js';
import type { MemoryBreakdown } from './protocol.js';
import type { FigureCheck, StepResult, Verdict } from './results.js';

export const TARGETS = {
  fullRequestsPerFloor: 1.05,
  unchangedRequestsPerRepository: 2,
  wallPerFloor: 1.3,
  mediumRssBytes: 200 * 1024 * 1024,
  largeRssPerMedium: 1.2,
  incrementalBaselineFactor: 5,
  credentialScalingPerFloor: 0.8,
} as const;

const integer = new Intl.NumberFormat('en-US');

/** `12,345`. */
export function formatCount(n: number): string {
  return integer.format(Math.round(n));
}

/** `1.2 s`, `850 ms`, `3 min 20 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** `95.3 MB` (MiB). */
export function formatBytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function ratio(measured: number, reference: number): string {
  return reference > 0 ? `${(measured / reference).toFixed(2)}×` : '—';
}

function verdict(ok: boolean): Verdict {
  return ok ? 'PASS' : 'MISS';
}

/** The listings (and enrichments) where the sync spent most beyond the floor: "activity: 5,012 vs floor 812". */
export function excessByListing(result: StepResult, top = 2): string {
  const enrichment = result.enrichments.reduce((sum, e) => sum + e.requests, 0);
  const rows = result.floor.byListing
    .map((floor) => ({ id: floor.rule.id, spent: result.requestsByListing[floor.rule.id] ?? 0, floor: floor.requests }))
    .concat([{ id: 'single GETs', spent: Object.values(result.otherRequests).reduce((a, b) => a + b, 0) - enrichment, floor: result.floor.singleGets }])
    .concat(result.enrichments.map((e) => ({ id: `${e.rule.id} (enrichment, not in the floor)`, spent: e.requests, floor: 0 })))
    .filter((row) => row.spent > row.floor)
    .sort((a, b) => b.spent - b.floor - (a.spent - a.floor))
    .slice(0, top);
  if (rows.length === 0) return 'no listing exceeds its floor: retries (429s, faults) account for the difference';
  const { retries, rateLimited } = result.outcome;
  const retried = retries > 0 ? `; ${formatCount(retries)} of the requests were retries${rateLimited > 0 ? ` (${formatCount(rateLimited)} answered 429)` : ''}` : '';
  return `most above the floor: ${rows.map((row) => `${row.id} ${formatCount(row.spent)} vs ${formatCount(row.floor)}`).join('; ')}${retried}`;
}

function requestChecks(result: StepResult): FigureCheck[] {
  const { outcome, requestFloor, step } = result;
  const checks: FigureCheck[] = [];
  const full = step.kind === 'full';
  const withinFloor = outcome.requests <= requestFloor * TARGETS.fullRequestsPerFloor;
  checks.push({
    figure: 'requests',
    measured: formatCount(outcome.requests),
    reference: `${formatCount(requestFloor)} (floor)`,
    ratio: ratio(outcome.requests, requestFloor),
    target: full ? `≤ ${TARGETS.fullRequestsPerFloor} × floor` : '—',
    verdict: full ? verdict(withinFloor) : 'n/a',
    why: full && !withinFloor ? excessByListing(result) : undefined,
  });
  if (result.pessimisticRequestFloor !== requestFloor) {
    checks.push({
      figure: 'requests vs pessimistic floor',
      measured: formatCount(outcome.requests),
      reference: `${formatCount(result.pessimisticRequestFloor)} (floor if no unverified assumption holds)`,
      ratio: ratio(outcome.requests, result.pessimisticRequestFloor),
      target: '—',
      verdict: 'n/a',
    });
  }
  for (const enrichment of result.enrichments) {
    if (enrichment.requests === 0 && enrichment.wanted === 0) continue;
    checks.push({
      figure: `${enrichment.rule.id} (enrichment)`,
      measured: `${formatCount(enrichment.requests)} requests`,
      reference: `${formatCount(enrichment.wanted)} ${enrichment.rule.unit}, ${formatCount(enrichment.least)} of them on no listing of the specification`,
      ratio: ratio(enrichment.requests, enrichment.least),
      target: '—',
      verdict: 'n/a',
    });
  }
  if (step.kind === 'unchanged' && result.unchangedAllowance !== undefined) {
    const ok = outcome.requests <= result.unchangedAllowance;
    const allowanceWhy =
      requestFloor > result.unchangedAllowance
        ? `the floor itself (${formatCount(requestFloor)}) is above the allowance: ${result.floor.singleGets > 0 ? `${formatCount(result.floor.singleGets)} single GETs no strategy avoids` : 'listings every run must read'}; ${excessByListing(result)}`
        : excessByListing(result);
    const floorWhy = UNCHANGED_FLOOR_WHY[result.session.api];
    checks.push({
      figure: 'requests, nothing changed',
      measured: formatCount(outcome.requests),
      reference: `${formatCount(result.unchangedAllowance)} (2 per repository + listing pages)`,
      ratio: ratio(outcome.requests, result.unchangedAllowance),
      target: '≤ allowance',
      verdict: verdict(ok),
      why: ok ? undefined : floorWhy === undefined ? allowanceWhy : `${allowanceWhy}; ${floorWhy}`,
    });
  }
  if (result.baseline !== undefined) {
    const factor = outcome.requests > 0 ? result.baseline.requests / outcome.requests : Number.POSITIVE_INFINITY;
    const incremental = step.kind !== 'full';
    const ok = factor >= TARGETS.incrementalBaselineFactor;
    const floorFactor = result.baseline.requests / Math.max(1, requestFloor);
    const floorWhy =
      floorFactor < TARGETS.incrementalBaselineFactor
        ? `even the floor is only ${floorFactor.toFixed(1)}× below the baseline on this dataset`
        : excessByListing(result);
    checks.push({
      figure: 'requests vs baseline',
      measured: formatCount(outcome.requests),
      reference: `${formatCount(result.baseline.requests)} (baseline${result.baseline.reused ? ', same data as the previous step' : ''})`,
      ratio: `${Number.isFinite(factor) ? factor.toFixed(1) : '∞'}× fewer`,
      target: incremental ? `≥ ${TARGETS.incrementalBaselineFactor}× fewer` : '—',
      verdict: incremental ? verdict(ok) : 'n/a',
      why: incremental && !ok ? floorWhy : undefined,
    });
  }
  return checks;
}

function wallChecks(result: StepResult): FigureCheck[] {
  const { outcome, session } = result;
  const rateBinds = result.rateFloorMs !== undefined && result.rateFloorMs > result.latencyFloorMs;
  const floorMs = Math.max(result.latencyFloorMs, result.rateFloorMs ?? 0);
  const latencyText = `floor's ${formatCount(result.requestFloor)} requests × ${session.latencyMs} ms ÷ ${session.concurrency}`;
  const bound = session.rateLimitRate ? '429s × Retry-After' : 'budgets';
  const reference = rateBinds ? `${formatMs(floorMs)} (${bound}; latency floor ${formatMs(result.latencyFloorMs)})` : `${formatMs(floorMs)} (${latencyText})`;
  const ok = outcome.wallMs <= floorMs * TARGETS.wallPerFloor;
  let why: string | undefined;
  if (floorMs > 0 && !ok) {
    const effective = session.latencyMs > 0 ? (outcome.requests * session.latencyMs) / outcome.wallMs : 0;
    const parts = [`effective concurrency ${effective.toFixed(1)} of ${session.concurrency}`];
    if (outcome.rateLimitWaitMs > 0) parts.push(`${formatMs(outcome.rateLimitWaitMs)} waiting for budgets / Retry-After (summed over requests)`);
    if (outcome.retries > 0) parts.push(`${formatCount(outcome.retries)} retries`);
    if (outcome.fsyncs > 0) parts.push(`${formatCount(outcome.fsyncs)} fsyncs took ${formatMs(outcome.fsyncMs)} (summed)`);
    if (outcome.cpuMs !== undefined && outcome.wallMs > 0) {
      const share = outcome.cpuMs / outcome.wallMs;
      parts.push(`the sync process used ${formatMs(outcome.cpuMs)} of CPU (${(share * 100).toFixed(0)}% of one core${share >= 0.8 ? ': CPU-bound, sharing the machine with the simulator' : ''})`);
    }
    why = parts.join('; ');
  }
  const checks: FigureCheck[] = [
    {
      figure: 'wall time',
      measured: formatMs(outcome.wallMs),
      reference,
      ratio: ratio(outcome.wallMs, floorMs),
      target: floorMs > 0 ? `≤ ${TARGETS.wallPerFloor} × floor` : '—',
      verdict: floorMs > 0 ? verdict(ok) : 'n/a',
      why,
    },
  ];
  if (result.scaling !== undefined) {
    const { scaling } = result;
    const speedUp = outcome.wallMs > 0 ? scaling.referenceWallMs / outcome.wallMs : 0;
    const floorSpeedUp = floorMs > 0 ? scaling.referenceFloorMs / floorMs : 0;
    const scalingOk = speedUp >= floorSpeedUp * TARGETS.credentialScalingPerFloor;
    checks.push({
      figure: `wall time vs 1 credential`,
      measured: `${speedUp.toFixed(2)}× faster`,
      reference: `${floorSpeedUp.toFixed(2)}× (the floors' ratio; ${formatMs(scaling.referenceWallMs)} measured on 1 credential, \`${scaling.referenceStep}\`)`,
      ratio: floorSpeedUp > 0 ? `${(speedUp / floorSpeedUp).toFixed(2)}×` : '—',
      target: `≥ ${TARGETS.credentialScalingPerFloor} × the floors' ratio`,
      verdict: verdict(scalingOk),
      why: scalingOk ? undefined : `${scaling.credentials} credentials took ${formatMs(outcome.wallMs)}; ${why ?? `${formatMs(outcome.rateLimitWaitMs)} waiting for budgets (summed over requests)`}`,
    });
  }
  if (result.baseline !== undefined) {
    checks.push({
      figure: 'wall time vs baseline',
      measured: formatMs(outcome.wallMs),
      reference: `${formatMs(result.baseline.derivedWallMs)} (baseline: ${formatCount(result.baseline.requests)} × ${session.latencyMs} ms, sequential)`,
      ratio: outcome.wallMs > 0 && result.baseline.derivedWallMs > 0 ? `${(result.baseline.derivedWallMs / outcome.wallMs).toFixed(1)}× faster` : '—',
      target: '—',
      verdict: 'n/a',
    });
  }
  return checks;
}

/** What the largest memory sample was made of: `V8 heap 262 MB (young generation 134 MB, live 98 MB), …`. */
export function memoryText(sample: MemoryBreakdown): string {
  const rest = sample.rssBytes - sample.heapTotalBytes - sample.externalBytes;
  return (
    `at the largest sample (${formatBytes(sample.rssBytes)}): V8 heap ${formatBytes(sample.heapTotalBytes)} committed ` +
    `(young generation ${formatBytes(sample.youngBytes)}, in use ${formatBytes(sample.heapUsedBytes)}), ` +
    `Buffers and zlib ${formatBytes(sample.externalBytes)}, the rest (Node binary, allocator) ${formatBytes(Math.max(0, rest))}`
  );
}

function memoryChecks(result: StepResult): FigureCheck[] {
  const { outcome, session, memoryReferenceBytes } = result;
  const large = session.profile === 'large';
  const mediumFull = session.profile === 'medium' && result.step.kind === 'full';
  const reference = memoryReferenceBytes === undefined ? '—' : `${formatBytes(memoryReferenceBytes)} (medium full sync)`;
  let ok = true;
  let target = '—';
  if (large) {
    ok = memoryReferenceBytes !== undefined && outcome.maxRssBytes <= memoryReferenceBytes * TARGETS.largeRssPerMedium;
    target = `≤ ${TARGETS.largeRssPerMedium} × medium`;
  } else if (mediumFull) {
    ok = outcome.maxRssBytes < TARGETS.mediumRssBytes;
    target = `< ${formatBytes(TARGETS.mediumRssBytes)}`;
  }
  const held = large || mediumFull;
  let why: string | undefined;
  if (held && !ok) {
    const over = mediumFull ? `over ${formatBytes(TARGETS.mediumRssBytes)}` : undefined;
    const grew = large && memoryReferenceBytes !== undefined ? `grew ${ratio(outcome.maxRssBytes, memoryReferenceBytes)} with 10× the data` : undefined;
    why = [over, grew, outcome.memoryAtPeak === undefined ? undefined : memoryText(outcome.memoryAtPeak)].filter((part) => part !== undefined).join('; ');
  }
  const flags = outcome.v8Flags === undefined || outcome.v8Flags.length === 0 ? 'Node defaults' : outcome.v8Flags.map((flag) => `\`${flag}\``).join(' ');
  const checks: FigureCheck[] = [
    {
      figure: 'peak RSS (sync process)',
      measured: formatBytes(outcome.maxRssBytes),
      reference,
      ratio: memoryReferenceBytes === undefined ? '—' : ratio(outcome.maxRssBytes, memoryReferenceBytes),
      target,
      verdict: held ? verdict(ok) : 'n/a',
      why,
    },
  ];
  if (outcome.peakLiveHeapBytes !== undefined) {
    checks.push({
      figure: 'peak live heap (old generation in use)',
      measured: formatBytes(outcome.peakLiveHeapBytes),
      reference: `V8 flags: ${flags}`,
      ratio: '—',
      target: '—',
      verdict: 'n/a',
    });
  }
  return checks;
}

function statusCheck(result: StepResult): FigureCheck | undefined {
  const { outcome } = result;
  if (outcome.status === 'complete' && outcome.errors.length === 0) return undefined;
  return {
    figure: 'run status',
    measured: outcome.status,
    reference: 'complete',
    ratio: '—',
    target: 'complete, no failed partition',
    verdict: 'MISS',
    why: [outcome.stopReason, ...outcome.errors].filter((x) => x !== undefined && x !== '').join('; ') || undefined,
  };
}

/** Every figure of a step, checked. A run that stopped early is not held to request and time targets. */
export function checkStep(result: StepResult): FigureCheck[] {
  const status = statusCheck(result);
  const partial = result.outcome.status !== 'complete';
  const volume = [...requestChecks(result), ...wallChecks(result)].map((check) =>
    partial && check.verdict !== 'n/a' ? { ...check, verdict: 'n/a' as const, target: `${check.target} (not held: the run stopped early)` } : check,
  );
  return [...(status ? [status] : []), ...volume, ...memoryChecks(result)];
}
