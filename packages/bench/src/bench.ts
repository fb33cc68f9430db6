/**
 * Runs the benchmark: per session one simulator process, per step one sync process, the census and the
 * baseline beside it; then the report.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialConfig } from '@bbsync/core';
import type { SimFaults } from '@bbsync/simulator';
import { runBaseline } from './baseline.js';
import { ENRICHMENTS, enrichmentRequests, latencyFloorMs, PINNED_SWITCHES, rateLimitFloorMs, stormFloorMs, requestFloor, requestsByListing, workspaceListingPages, type RateLimitSpec } from './floors.js';
import { machineInfo } from './machine.js';
import type { ApiEndpoint, SyncJob } from './protocol.js';
import { renderReport, stepSection } from './report.js';
import type { BaselineFigures, EnrichmentFigures, StepResult } from './results.js';
import { allSessions, selectSessions, type Session } from './scenarios.js';
import { SimProcess } from './sim-client.js';
import { measureStartup, type StartupResult } from './startup.js';
import { runSyncInChild } from './sync-client.js';
import { TARGETS } from './targets.js';

export interface BenchOptions {
  /** Tiny sizes and no latency. */
  readonly quick: boolean;
  /** Session or step ids (prefixes) to run; all when empty. */
  readonly scenarios?: readonly string[] | undefined;
  /** The command line, for the report. */
  readonly command: string;
  /** Where progress goes. @default stdout */
  readonly log?: ((line: string) => void) | undefined;
  /** Measure the action's start-up (needs `dist/main/index.js`). @default true */
  readonly startup?: boolean | undefined;
  /** Deadline of each large-workspace sync, ms (0 = none). @default LARGE_DEADLINE_MS */
  readonly largeDeadlineMs?: number | undefined;
  /** Run the syncs with Node's default V8 and allocator settings, not the shipped entry points'. @default false */
  readonly nodeDefaults?: boolean | undefined;
}

export interface BenchRun {
  readonly report: string;
  readonly results: readonly StepResult[];
  readonly failures: readonly { readonly session: string; readonly error: string }[];
  readonly startup: StartupResult;
}

/** Requests per hour the client may spend where budgets are not what a scenario measures. */
const UNBOUNDED_PER_HOUR = 1_000_000_000;

/** Whether the session's budgets are meant to bind (and so are told to the Cloud sync as `requestsPerHour`). */
function budgetsBind(session: Session): boolean {
  return session.profile === 'budgets' || session.profile === 'tokens';
}

/** The rate limit the simulator enforces where it binds: budgets, token scaling, and Data Center buckets. */
function rateLimitSpec(session: Session): RateLimitSpec | undefined {
  const limits = session.rateLimits;
  if (session.api === 'cloud') {
    if (!budgetsBind(session)) return undefined;
    return { kind: 'rolling-window', perWindow: limits?.cloudPerHour ?? 1000, windowMs: 3_600_000 * (limits?.cloudWindowScale ?? 1), identities: session.credentials };
  }
  const bucket = limits?.dataCenterBucket;
  return bucket ? { kind: 'token-bucket', capacity: bucket.capacity, fillPerSecond: bucket.fillPerSecond, identities: session.credentials } : undefined;
}

/** What a Data Center sync of this session is told about the rate limit (`undefined`: left out). */
function dataCenterRateLimitSetting(session: Session): unknown {
  const bucket = session.rateLimits?.dataCenterBucket;
  const pacing = session.dataCenterPacing ?? (budgetsBind(session) ? 'configured' : 'off');
  if (pacing === 'unset') return undefined;
  if (pacing === 'configured' && bucket) return { enabled: true, capacity: bucket.capacity, refillPerSecond: bucket.fillPerSecond };
  return false;
}

/** The sync job of a step: the connector settings and credentials a user would configure for this scenario. */
export function syncJobFor(session: Session, endpoint: ApiEndpoint, stateFile: string, outputDir: string): SyncJob {
  const budgets = budgetsBind(session);
  const limits = session.rateLimits;
  const credentials: CredentialConfig[] = endpoint.credentials.slice(0, session.credentials).map((credential) =>
    session.api === 'cloud' ? { ...credential, requestsPerHour: budgets ? (limits?.cloudPerHour ?? 1000) : UNBOUNDED_PER_HOUR } : credential,
  );
  const rateLimit = session.api === 'datacenter' ? dataCenterRateLimitSetting(session) : undefined;
  const config =
    session.api === 'cloud'
      ? { workspace: endpoint.workspace, baseUrl: endpoint.baseUrl, ...session.config }
      : { baseUrl: endpoint.serverUrl, ...(rateLimit === undefined ? {} : { rateLimit }), ...session.config };
  const speedUp = session.api === 'cloud' && budgets ? 1 / (limits?.cloudWindowScale ?? 1) : 1;
  return {
    api: session.api,
    config,
    credentials,
    concurrency: session.concurrency,
    stateFile,
    outputDir,
    clockSpeedUp: speedUp,
    // Budget waits are up to an hour of the sync's clock; never stop a scenario for waiting.
    maxWaitMs: budgets ? 2 * 3_600_000 : undefined,
    deadlineMs: session.deadlineMs,
  };
}

async function measureBaseline(sim: SimProcess, session: Session, endpoint: ApiEndpoint, latencySwitchable: boolean): Promise<BaselineFigures> {
  // Counted with no latency, so the sequential baseline does not dominate the benchmark's running time.
  if (latencySwitchable) await sim.setLatency(0);
  try {
    const baseline = await runBaseline(session.api, endpoint);
    return { requests: baseline.requests, items: baseline.items, derivedWallMs: baseline.requests * session.latencyMs, reused: false };
  } finally {
    if (latencySwitchable) await sim.setLatency(session.latencyMs);
  }
}

/** Logs how long each phase of a step took: `[cloud-medium-full] census 6.1 s, sync (15,002 requests) 61.0 s`. */
function phaseTimer(log: (line: string) => void, id: string): { lap(name: string): void; done(): void } {
  const laps: string[] = [];
  let last = performance.now();
  return {
    lap(name) {
      const now = performance.now();
      laps.push(`${name} ${((now - last) / 1000).toFixed(1)} s`);
      last = now;
    },
    done() {
      log(`[${id}] ${laps.join(', ')}`);
    },
  };
}

interface SessionContext {
  readonly workDir: string;
  readonly log: (line: string) => void;
  /** Peak RSS of each API's medium full sync. */
  readonly memoryReference: Map<string, number>;
  readonly nodeDefaults: boolean;
  /** Wall time and wall floor of each session's first step, for the credential-scaling comparison. */
  readonly wallBySession: Map<string, { readonly step: string; readonly wallMs: number; readonly floorMs: number }>;
}

async function runSession(session: Session, context: SessionContext): Promise<StepResult[]> {
  const faults: SimFaults = {
    seed: session.seed,
    latencyMs: session.latencyMs,
    ...(session.rateLimitRate ? { rateLimitRate: session.rateLimitRate, retryAfter: true } : {}),
  };
  const t0 = performance.now();
  const { sim, started } = await SimProcess.start(
    { seed: session.seed, size: session.size, switches: PINNED_SWITCHES, faults, ...(session.rateLimits ? { rateLimits: session.rateLimits } : {}) },
    session.credentials,
  );
  context.log(`[${session.id}] simulator ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const endpoint = started[session.api];
  if (endpoint.credentials.length < session.credentials) {
    await sim.close();
    throw new Error(`the ${session.api} simulator offered ${endpoint.credentials.length} of the ${session.credentials} credentials the scenario needs`);
  }
  const stateFile = join(context.workDir, session.id, 'state', 'state.json');
  const results: StepResult[] = [];
  let previousBaseline: BaselineFigures | undefined;
  try {
    for (const [index, step] of session.steps.entries()) {
      const timer = phaseTimer(context.log, step.id);
      const change = step.kind === 'changed' ? await sim.change(session.api, step.changeFraction ?? 0.01, session.seed + index) : undefined;
      const census = await sim.census(session.api, session.steps.length > 1);
      timer.lap('census');
      const floor = requestFloor(census, step.kind !== 'full');
      const pessimisticFloor = requestFloor(census, step.kind !== 'full', 'pessimistic');
      const stormFactor = session.rateLimitRate ? 1 / (1 - session.rateLimitRate) : 1;
      const heldFloor = Math.ceil(floor.total * stormFactor);
      await sim.resetCounters();
      const outcome = await runSyncInChild(syncJobFor(session, endpoint, stateFile, join(context.workDir, session.id, step.id)), context.nodeDefaults);
      const counters = await sim.counters(session.api);
      timer.lap(`sync (${outcome.requests} requests)`);
      if (step.kind === 'full' && session.profile === 'medium') context.memoryReference.set(session.api, outcome.maxRssBytes);

      let baseline: BaselineFigures | undefined;
      if (session.baseline) {
        baseline =
          step.kind === 'unchanged' && previousBaseline !== undefined
            ? { ...previousBaseline, reused: true }
            : await measureBaseline(sim, session, endpoint, started.latencySwitchable);
        previousBaseline = baseline;
        if (!baseline.reused) timer.lap(`baseline (${baseline.requests} requests)`);
      }
      timer.done();
      const limit = rateLimitSpec(session);
      const attributed = requestsByListing(session.api, counters.byEndpoint);
      const spentOnEnrichments = enrichmentRequests(session.api, counters.byEndpoint);
      const enrichments: EnrichmentFigures[] = ENRICHMENTS[session.api].map((rule) => ({
        rule,
        requests: spentOnEnrichments[rule.id] ?? 0,
        wanted: rule.wanted(census, step.kind !== 'full'),
        least: rule.least(census, step.kind !== 'full'),
      }));
      // The wall floors are those of the floor's requests, not of the sync's own count.
      const latencyFloor = latencyFloorMs(heldFloor, session.latencyMs, session.concurrency);
      const rateFloorMs = limit
        ? rateLimitFloorMs(floor.total, limit)
        : session.rateLimitRate
          ? stormFloorMs(heldFloor, heldFloor - floor.total, session.latencyMs, session.concurrency)
          : undefined;
      if (index === 0) context.wallBySession.set(session.id, { step: step.id, wallMs: outcome.wallMs, floorMs: Math.max(latencyFloor, rateFloorMs ?? 0) });
      const reference = session.scalingReference === undefined ? undefined : context.wallBySession.get(session.scalingReference);
      const result: StepResult = {
        session,
        step,
        census,
        floor,
        pessimisticFloor,
        requestFloor: heldFloor,
        pessimisticRequestFloor: Math.ceil(pessimisticFloor.total * stormFactor),
        enrichments,
        scaling:
          reference === undefined
            ? undefined
            : { credentials: session.credentials, referenceStep: reference.step, referenceWallMs: reference.wallMs, referenceFloorMs: reference.floorMs },
        outcome,
        requestsByListing: attributed.byListing,
        otherRequests: attributed.other,
        serverRequests: counters.total,
        baseline,
        latencyFloorMs: latencyFloor,
        rateFloorMs,
        memoryReferenceBytes: context.memoryReference.get(session.api),
        change,
        unchangedAllowance: step.kind === 'unchanged' ? TARGETS.unchangedRequestsPerRepository * census.repositories + workspaceListingPages(census) : undefined,
      };
      if (step.report !== false) {
        results.push(result);
        context.log(`\n${stepSection(result)}\n`);
      }
    }
  } finally {
    await sim.close();
  }
  return results;
}

/** Runs the selected scenarios and renders the report. */
export async function runBenchmarks(options: BenchOptions): Promise<BenchRun> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const sessions = selectSessions(allSessions({ quick: options.quick, largeDeadlineMs: options.largeDeadlineMs }), options.scenarios);
  const loadBefore = loadavg()[0] ?? 0;
  const startedAt = new Date();
  const t0 = performance.now();
  const workDir = await mkdtemp(join(process.env.BBSYNC_BENCH_WORKDIR ?? tmpdir(), 'bbsync-bench-'));
  const context: SessionContext = { workDir, log, memoryReference: new Map(), wallBySession: new Map(), nodeDefaults: options.nodeDefaults ?? false };
  const results: StepResult[] = [];
  const failures: { session: string; error: string }[] = [];
  try {
    for (const session of sessions) {
      const t = performance.now();
      log(`[${session.id}] ${session.title}`);
      try {
        results.push(...(await runSession(session, context)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ session: session.id, error: message });
        log(`[${session.id}] FAILED: ${message}`);
      }
      log(`[${session.id}] done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const startup: StartupResult = options.startup === false ? { kind: 'skipped', reason: 'not asked for in this run.' } : await measureStartup(options.quick ? 1 : 3);
  const report = renderReport({
    command: options.command,
    quick: options.quick,
    machine: { ...machineInfo(), load: [loadBefore, loadavg()[0] ?? 0] },
    startedAt,
    durationMs: performance.now() - t0,
    results,
    startup,
    failures,
  });
  return { report, results, failures, startup };
}
