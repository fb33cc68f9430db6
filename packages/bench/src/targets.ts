/**
 * The targets of the issue, checked figure by figure:
 * - a full sync spends at most 1.05 × the request floor;
 * - a run with nothing changed spends at most 2 requests per repository plus the listing pages;
 * - wall time is at most 1.3 × its floor (latency, or budgets where they bind);
 * - peak RSS with ten times the data is at most 1.5 × the medium run's, and under 300 MB;
 * - incremental runs spend at least 5 × fewer requests than the baseline.
 */
import type { MemoryBreakdown } from './protocol.js';
import type { FigureCheck, StepResult, Verdict } from './results.js';

export const TARGETS = {
  fullRequestsPerFloor: 1.05,
  unchangedRequestsPerRepository: 2,
  wallPerFloor: 1.3,
  largeRssPerMedium: 1.5,
  largeRssBytes: 300 * 1024 * 1024,
  incrementalBaselineFactor: 5,
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

/** The listings where the sync spent most beyond the floor: "activity: 5,012 vs floor 812". */
export function excessByListing(result: StepResult, top = 2): string {
  const rows = result.floor.byListing
    .map((floor) => ({ id: floor.rule.id, spent: result.requestsByListing[floor.rule.id] ?? 0, floor: floor.requests }))
    .concat([{ id: 'single GETs', spent: Object.values(result.otherRequests).reduce((a, b) => a + b, 0), floor: result.floor.singleGets }])
    .filter((row) => row.spent > row.floor)
    .sort((a, b) => b.spent - b.floor - (a.spent - a.floor))
    .slice(0, top);
  if (rows.length === 0) return 'no listing exceeds its floor: retries (429s, faults) account for the difference';
  return `most above the floor: ${rows.map((row) => `${row.id} ${formatCount(row.spent)} vs ${formatCount(row.floor)}`).join('; ')}`;
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
  if (step.kind === 'unchanged' && result.unchangedAllowance !== undefined) {
    const ok = outcome.requests <= result.unchangedAllowance;
    const allowanceWhy =
      requestFloor > result.unchangedAllowance
        ? `the floor itself (${formatCount(requestFloor)}) is above the allowance: ${result.floor.singleGets > 0 ? `${formatCount(result.floor.singleGets)} single GETs no strategy avoids` : 'listings every run must read'}; ${excessByListing(result)}`
        : excessByListing(result);
    checks.push({
      figure: 'requests, nothing changed',
      measured: formatCount(outcome.requests),
      reference: `${formatCount(result.unchangedAllowance)} (2 per repository + listing pages)`,
      ratio: ratio(outcome.requests, result.unchangedAllowance),
      target: '≤ allowance',
      verdict: verdict(ok),
      why: ok ? undefined : allowanceWhy,
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
  const latencyText = `${formatCount(outcome.requests)} × ${session.latencyMs} ms ÷ ${session.concurrency}`;
  const bound = session.profile === 'budgets' ? 'budgets' : '429s × Retry-After';
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

function memoryCheck(result: StepResult): FigureCheck {
  const { outcome, session, memoryReferenceBytes } = result;
  const large = session.profile === 'large';
  const reference = memoryReferenceBytes === undefined ? '—' : `${formatBytes(memoryReferenceBytes)} (medium full sync)`;
  const ok =
    memoryReferenceBytes !== undefined && outcome.maxRssBytes <= memoryReferenceBytes * TARGETS.largeRssPerMedium && outcome.maxRssBytes < TARGETS.largeRssBytes;
  let why: string | undefined;
  if (large && !ok) {
    const over = outcome.maxRssBytes >= TARGETS.largeRssBytes ? `over ${formatBytes(TARGETS.largeRssBytes)}` : undefined;
    const grew =
      memoryReferenceBytes !== undefined && outcome.maxRssBytes > memoryReferenceBytes * TARGETS.largeRssPerMedium
        ? `grew ${ratio(outcome.maxRssBytes, memoryReferenceBytes)} with 10× the data`
        : undefined;
    why = [over, grew, outcome.memoryAtPeak === undefined ? undefined : memoryText(outcome.memoryAtPeak)].filter((part) => part !== undefined).join('; ');
  }
  return {
    figure: 'peak RSS (sync process)',
    measured: formatBytes(outcome.maxRssBytes),
    reference,
    ratio: memoryReferenceBytes === undefined ? '—' : ratio(outcome.maxRssBytes, memoryReferenceBytes),
    target: large ? `≤ ${TARGETS.largeRssPerMedium} × medium and < 300 MB` : '—',
    verdict: large ? verdict(ok) : 'n/a',
    why,
  };
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
  return [...(status ? [status] : []), ...volume, memoryCheck(result)];
}
