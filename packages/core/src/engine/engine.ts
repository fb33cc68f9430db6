import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../clock.js';
import { configError } from '../errors.js';
import type { RequestStats } from '../http/types.js';
import { silentLogger } from '../logger.js';
import { prettyJsonFile } from '../output/json-pieces.js';
import { RunWriter } from '../output/run-writer.js';
import type { RunManifest } from '../output/types.js';
import { writeFileAtomic } from '../state/durable-file.js';
import type { SyncState } from '../state/types.js';
import { runPartition, type PartitionTask, type RunEnvironment } from './partition-runner.js';
import { NotFoundMemo } from './not-found-memo.js';
import { ProgressReporter } from './progress.js';
import { RequestAttribution } from './request-attribution.js';
import { RunControl } from './run-control.js';
import type { Halt } from './run-control.js';
import type { RunFailure } from '../output/types.js';
import { describeFailure, RunReport } from './run-report.js';
import { resolveSelection, type PlannedDefinition } from './selection.js';
import { shardOf } from './shard.js';
import { WORKSPACE_PARTITION, type ShardSpec, type SyncOptions } from './types.js';

/**
 * Runs one sync: resolves the selected streams, reads the workspace definitions (discovering repositories),
 * then every repository definition over every discovered repository this shard owns, `concurrency` partitions
 * at a time. Each partition's records are made durable before its cursor is committed, so a crash or a stop at
 * any instant loses nothing and the next run continues from the last commit.
 *
 * Resolves with the run's manifest, also written to `<outputDir>/manifest.json` (with the final state in
 * `state.json`) whatever the outcome: `complete`, `stopped` (deadline, request budget, cancellation, or a
 * `stop` error such as every credential being rate limited), `partial` (some partitions failed; they are
 * retried first next run) or `failed` (a fatal or config error, a failed repository listing, a stream that failed
 * in every partition, or more than `maxFailedFraction` of partitions failed): see {@link runStatus}. Rejects only for invalid options (nothing was read then) or when
 * the manifest itself cannot be written.
 */
export async function runSync<Cfg>(options: SyncOptions<Cfg>): Promise<RunManifest> {
  const selection = resolveSelection(options.source, options.streams);
  const concurrency = checkConcurrency(options.concurrency ?? 4);
  const shard = checkShard(options.shard ?? { index: 1, count: 1 });
  const maxFailedFraction = checkFraction(options.maxFailedFraction ?? 0.5);
  checkBudgets(options);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const startedAt = clock.now();
  const runId = options.runId ?? new Date(startedAt).toISOString().replace(/[:.]/g, '-');
  await assertNewRunFolder(options.outputDir);

  const statsBefore = options.client.stats();
  const stateBefore = options.state.snapshot();
  const writer = await RunWriter.create(options.outputDir, { gzip: options.gzip, runId, startedAt });
  const control = new RunControl({ clock, client: options.client, budgets: options.budgets, signal: options.signal });
  const report = new RunReport(selection);
  const counters = () => {
    const now = options.client.stats();
    return { requests: now.requests - statsBefore.requests, rateLimitWaitMs: now.rateLimitWaitMs - statsBefore.rateLimitWaitMs };
  };
  const env: RunEnvironment = {
    config: options.config,
    client: options.client,
    state: options.state,
    writer,
    control,
    report,
    progress: new ProgressReporter({ clock, startedAt, logger, onProgress: options.onProgress, counters }),
    attribution: new RequestAttribution(() => options.client.stats().requests),
    clock,
    logger,
    startDate: options.startDate,
    selected: selection.selected,
    owns: (key) => shardOf(key, shard.count) === shard.index,
    repositoryDefinitions: options.source.streams.filter((definition) => definition.scope === 'repository').map((definition) => definition.name),
    provided: new Map(),
    notFound: new NotFoundMemo(),
  };
  logger.info('run started', { runId, streams: [...selection.selected], shard: `${shard.index}/${shard.count}`, concurrency });

  let nextId = 0;
  try {
    // Phase 1: workspace definitions. Other shards run only the providers, to discover repositories.
    const workspaceTasks: PartitionTask[] = selection.definitions
      .filter((planned) => planned.definition.scope === 'workspace')
      .filter((planned) => shard.index === 1 || planned.definition.providesPartitions === true)
      .map((planned) => ({ id: nextId++, planned, partition: WORKSPACE_PARTITION, discoveryOnly: shard.index !== 1 }));
    await runTasks(workspaceTasks, env, concurrency);

    // Phase 2: repository definitions x the repositories this shard owns.
    const repositoryDefinitions = selection.definitions.filter((planned) => planned.definition.scope === 'repository');
    const owned = [...env.provided.values()].filter((partition) => env.owns(partition.key));
    const repositoryTasks = orderByStaleness(
      owned.flatMap((partition) => repositoryDefinitions.map((planned) => ({ id: nextId++, planned, partition, discoveryOnly: false }))),
      env,
    );
    env.progress.total = workspaceTasks.length + repositoryTasks.length;
    logger.info('partitions discovered', { provided: env.provided.size, owned: owned.length, partitions: repositoryTasks.length });
    await runTasks(repositoryTasks, env, concurrency);
  } finally {
    control.dispose();
  }

  const { done, failed } = report.totals();
  const tooManyFailed = failed > 0 && failed > maxFailedFraction * (done + failed);
  control.settle();
  const failures = report.failures();
  const { status, stopReason } = runStatus(control.halt, failures, { done, failed, tooManyFailed, maxFailedFraction });
  const stateAfter = options.state.snapshot();
  const manifest: RunManifest = {
    version: 1,
    tool: 'bbsync',
    source: options.source.kind,
    scope: stateAfter.scope,
    runId,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(clock.now()).toISOString(),
    status,
    ...(stopReason === undefined ? {} : { stopReason }),
    streams: report.streams(),
    definitions: report.definitions(),
    requests: requestDelta(statsBefore, options.client.stats()),
    errors: report.errors,
    failures,
    absences: report.absences,
    remaining: report.remaining,
    files: writer.files(),
    cursorsBefore: cursorsOf(stateBefore),
    cursorsAfter: cursorsOf(stateAfter),
  };
  // Both are written whole or not at all; neither depends on the other (the live state is in the state store).
  // Both hold every cursor (streams → partitions → cursor), so they are written a cursor at a time, not as one string.
  await Promise.all([
    writeFileAtomic(join(options.outputDir, 'state.json'), prettyJsonFile(stateAfter, CURSOR_DEPTH)),
    writeFileAtomic(join(options.outputDir, 'manifest.json'), prettyJsonFile(manifest, CURSOR_DEPTH)),
  ]);
  logger.info('run finished', {
    status,
    stopReason,
    partitionsDone: done,
    partitionsFailed: failed,
    remaining: report.remaining.length,
    requests: manifest.requests.total,
    idleSkips: report.notes.idle_skip,
    fullResyncs: report.notes.full_resync,
  });
  return manifest;
}

/**
 * The run's status, worst first: `failed` (a fatal or config error; a partition provider such as the repository
 * listing failed; a stream failed in every partition it read; or more than `maxFailedFraction` of partitions
 * failed), `partial` (some partitions failed), `stopped` (a graceful stop: budget, deadline, cancellation), else
 * `complete`. A stopped run with failed partitions reports the failure: it is what needs attention.
 */
function runStatus(
  halt: Halt | undefined,
  failures: readonly RunFailure[],
  counts: { done: number; failed: number; tooManyFailed: boolean; maxFailedFraction: number },
): { status: RunManifest['status']; stopReason: string | undefined } {
  const what = failures.map(describeFailure).join('; ');
  const stopped = halt?.kind === 'stop' ? `; ${halt.reason}` : '';
  if (halt?.kind === 'fatal') return { status: 'failed', stopReason: halt.reason };
  if (counts.tooManyFailed || failures.some((failure) => failure.whole !== undefined)) {
    const threshold = counts.tooManyFailed ? `${counts.failed} of ${counts.done + counts.failed} partitions failed (more than maxFailedFraction ${counts.maxFailedFraction}): ` : '';
    return { status: 'failed', stopReason: `${threshold}${what}${stopped}` };
  }
  if (failures.length > 0) return { status: 'partial', stopReason: `${what}${stopped}` };
  if (halt?.kind === 'stop') return { status: 'stopped', stopReason: halt.reason };
  return { status: 'complete', stopReason: undefined };
}

/** Depth of the cursors in `state.json` (`streams` → stream → partition) and in the manifest (`cursorsAfter` → stream → partition). */
const CURSOR_DEPTH = 3;

/**
 * Runs tasks with at most `concurrency` reading at once. Before each start it checks the budgets; once the run
 * is halted, nothing new starts and every task not started is listed as remaining.
 *
 * A partition gives its slot back once its records are durable, before its final commit: commits are written
 * together (one state write carries every commit that arrived while the previous one was on disk), and a slot
 * held through that wait would leave requests unsent. Resolves once every partition, commit included, settled.
 */
async function runTasks(tasks: readonly PartitionTask[], env: RunEnvironment, concurrency: number): Promise<void> {
  const left = new Map<PlannedDefinition, number>();
  for (const task of tasks) left.set(task.planned, (left.get(task.planned) ?? 0) + 1);
  const settling = new Set<Promise<void>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      env.control.checkBudgets();
      if (env.control.draining !== undefined) return;
      const task = tasks[next] as PartitionTask;
      next += 1;
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const settled = runPartition(task, env, release)
        .then(
          () => undefined,
          (error: unknown) => {
            // runPartition handles every error of a read; reaching here is a bug in the engine itself.
            env.control.fail(`internal error: ${(error as Error).message}`);
          },
        )
        .then(() => {
          settling.delete(settled);
          const remaining = (left.get(task.planned) ?? 1) - 1;
          left.set(task.planned, remaining);
          if (remaining === 0) env.progress.emit('stream_done', { stream: task.planned.definition.name });
        });
      settling.add(settled);
      await Promise.race([released, settled]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, () => worker()));
  while (settling.size > 0) await Promise.all([...settling]);
  for (const task of tasks.slice(next)) env.report.addRemaining(task.planned.definition.name, task.partition);
}

/**
 * Failed last time first, then least recently committed (never-synced partitions before the others), keeping discovery order among
 * equals: when a budget ends runs early, successive runs make progress round-robin instead of re-reading the
 * same first partitions.
 */
function orderByStaleness(tasks: PartitionTask[], env: RunEnvironment): PartitionTask[] {
  // Partitions that failed last time come first (earliest failure first): their cursors did not move, and a
  // run that a budget ends early must not leave them behind again.
  const failedAt = (task: PartitionTask) => env.state.failure(task.planned.definition.name, task.partition.key)?.failedAt;
  const committedAt = (task: PartitionTask) => env.state.get(task.planned.definition.name, task.partition.key)?.committedAt ?? '';
  const order = (task: PartitionTask): readonly [number, string] => {
    const failure = failedAt(task);
    return failure === undefined ? [1, committedAt(task)] : [0, failure];
  };
  return tasks
    .map((task, index) => ({ task, index, order: order(task) }))
    .sort((a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : a.index - b.index))
    .map(({ task }) => task);
}

/**
 * The cursors of a state document, without anything else (descriptors, times): `{ stream: { partitionKey: cursor } }`.
 * Read through to the state's partitions when read, not copied: a state store may hand out partition states
 * that are parsed only when read, and the manifest of a large workspace would otherwise hold every cursor at once.
 */
function cursorsOf(state: SyncState): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(state.streams).map(([stream, partitions]) => {
      const cursors: Record<string, unknown> = {};
      for (const key of Object.keys(partitions)) {
        Object.defineProperty(cursors, key, { enumerable: true, configurable: true, get: () => partitions[key]?.cursor });
      }
      return [stream, cursors];
    }),
  );
}

function requestDelta(before: RequestStats, after: RequestStats): RunManifest['requests'] {
  const earlier = new Map(before.byCredential.map((credential) => [credential.index, credential.requests]));
  return {
    total: after.requests - before.requests,
    retries: after.retries - before.retries,
    rateLimited: after.rateLimited - before.rateLimited,
    rateLimitWaitMs: after.rateLimitWaitMs - before.rateLimitWaitMs,
    byCredential: after.byCredential.map((credential) => ({
      index: credential.index,
      label: credential.label,
      requests: credential.requests - (earlier.get(credential.index) ?? 0),
    })),
  };
}

async function assertNewRunFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw configError('outputDir', `${dir} is not empty: every run writes a new folder`, 'a new or empty folder');
}

function checkConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw configError('concurrency', `${value} is not a positive integer`, 'an integer >= 1');
  return value;
}

function checkShard(shard: ShardSpec): ShardSpec {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw configError('shard', `${shard.index}/${shard.count} is not a valid shard`, 'index/count with 1 <= index <= count');
  }
  return shard;
}

function checkFraction(value: number): number {
  if (!(value >= 0 && value <= 1)) throw configError('maxFailedFraction', `${value} is not a fraction`, 'a number from 0 to 1');
  return value;
}

function checkBudgets(options: SyncOptions<unknown>): void {
  const maxRequests = options.budgets?.maxRequests;
  if (maxRequests !== undefined && !(Number.isInteger(maxRequests) && maxRequests >= 0)) {
    throw configError('budgets.maxRequests', `${maxRequests} is not a request count`, 'an integer >= 0');
  }
  const deadline = options.budgets?.deadline;
  if (deadline !== undefined && !Number.isFinite(deadline)) throw configError('budgets.deadline', `${deadline} is not a time`, 'epoch milliseconds');
}

