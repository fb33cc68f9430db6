import type { Clock } from '../clock.js';
import { BbsyncError, isBbsyncError, toBbsyncError } from '../errors.js';
import type { ApiClient } from '../http/types.js';
import type { Logger } from '../logger.js';
import { UnserializableRecordError, type PartitionWriter, type RunWriter } from '../output/run-writer.js';
import { DELETED_PARTITIONS_STREAM, type RecordEnvelope } from '../output/types.js';
import type { StateStore } from '../state/types.js';
import type { ProgressReporter } from './progress.js';
import type { RequestAttribution } from './request-attribution.js';
import type { RunControl } from './run-control.js';
import type { RunReport } from './run-report.js';
import { scopedLogger } from './scoped-logger.js';
import type { PlannedDefinition } from './selection.js';
import type { NotFoundMemo } from './not-found-memo.js';
import type { PartitionContext, PartitionDescriptor } from './types.js';

/** One unit of work: a definition over one partition. */
export interface PartitionTask {
  readonly id: number;
  readonly planned: PlannedDefinition;
  readonly partition: PartitionDescriptor;
  /** Shards other than 1 run workspace providers for discovery only: nothing is written or committed. */
  readonly discoveryOnly: boolean;
}

/** `interrupted`: the run stopped or failed while it ran; its unflushed records were discarded, its cursor untouched. */
export type PartitionOutcome = 'done' | 'failed' | 'interrupted';

/** What every partition of a run shares. */
export interface RunEnvironment {
  readonly config: unknown;
  readonly client: ApiClient;
  readonly state: StateStore;
  readonly writer: RunWriter;
  readonly control: RunControl;
  readonly report: RunReport;
  readonly progress: ProgressReporter;
  readonly attribution: RequestAttribution;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly startDate: Date | undefined;
  readonly selected: ReadonlySet<string>;
  /** True when this shard owns a partition key. */
  readonly owns: (partitionKey: string) => boolean;
  /** Names of the repository-scoped definitions: their state is dropped for a deleted partition. */
  readonly repositoryDefinitions: readonly string[];
  /** Partitions provided by workspace streams so far, by key (the first descriptor of a key wins). */
  readonly provided: Map<string, PartitionDescriptor>;
  /** What answered 404 in this run (every partition's context shares it). */
  readonly notFound: NotFoundMemo;
}

/** Thrown out of a checkpoint to end a partition during a graceful stop, after its work was saved. */
const DRAIN_EXIT = new BbsyncError('budget_exhausted', 'stopped at a checkpoint: the run is stopping gracefully');

/** Errors of our own output folder: not the partition's fault, and every other partition would hit them too. */
function outputError(error: unknown): BbsyncError {
  if (isBbsyncError(error)) return error;
  if (error instanceof UnserializableRecordError) {
    return new BbsyncError('bad_response', error.message, { disposition: 'skippable', cause: error, hint: 'The API returned data that cannot be stored as JSON; report it with the stream name.' });
  }
  return new BbsyncError('config_error', `writing the run folder failed: ${(error as Error).message}`, {
    field: 'outputDir',
    disposition: 'fatal',
    cause: error,
    hint: 'Check the free space and permissions of the output folder.',
  });
}

function stateError(error: unknown): BbsyncError {
  if (isBbsyncError(error)) return error;
  return new BbsyncError('config_error', `committing the state failed: ${(error as Error).message}`, {
    field: 'state',
    disposition: 'fatal',
    cause: error,
    hint: 'Check the free space and permissions of the state folder.',
  });
}

/** Sets or clears a partition's failure mark; a state that cannot be written fails the run, as a commit would. */
async function recordFailure(env: RunEnvironment, stream: string, key: string, code: string | undefined): Promise<void> {
  try {
    await env.state.setFailure(stream, key, code);
  } catch (error) {
    const failure = stateError(error);
    env.control.fail(`${failure.code}: ${failure.message}`);
  }
}

/**
 * Runs one partition: reads it through a context that writes to its own segment files, then makes the records
 * durable (flush) and only then commits the cursor. A `checkpoint` does the same mid-partition. On failure the
 * unflushed segments are deleted and the cursor stays where it was; the error is isolated unless it is fatal.
 *
 * `release` is called once the partition sends no more requests and its records are durable, just before its
 * final commit: the caller may start another partition while the state write (shared by every commit that
 * arrives meanwhile) is under way. The returned promise still settles only after that commit.
 */
export async function runPartition(task: PartitionTask, env: RunEnvironment, release?: () => void): Promise<PartitionOutcome> {
  const { planned, partition, discoveryOnly } = task;
  const definition = planned.definition;
  const started = env.clock.now();
  const logger = scopedLogger(env.logger, { stream: definition.name, partition: partition.name });
  const previous = env.state.get(definition.name, partition.key);
  // A cursor only covers the outputs selected when it was committed: selecting another output means reading
  // the partition from scratch so that output is backfilled.
  const covered = previous?.outputs;
  const coversSelection = covered === undefined || planned.outputs.every((output) => covered.includes(output));
  const cursor = previous !== undefined && coversSelection ? previous.cursor : undefined;
  const writer: PartitionWriter | undefined = discoveryOnly ? undefined : env.writer.partition(partition);
  const pending = new Map<string, { records: number; deleted: number }>();
  let committedThisRead = false;
  // Partition keys this provider marked deleted: tombstoned in the output, their state dropped once durable.
  const tombstoned: string[] = [];
  const recordsWritten = () => [...(writer?.written.values() ?? [])].reduce((sum, count) => sum + count, 0);
  let finished = false;

  const makeDurable = async (): Promise<void> => {
    if (writer === undefined) return;
    try {
      await writer.flush();
    } catch (error) {
      throw outputError(error);
    }
    for (const [output, counts] of pending) env.report.addDurable(output, counts.records, counts.deleted);
    pending.clear();
  };
  const commit = async (value: unknown): Promise<void> => {
    try {
      await env.state.commit(definition.name, partition.key, value, partition, planned.outputs);
      // The tombstones are durable now (flushed before this commit): forget the deleted partitions' cursors, so a
      // repository that comes back under the same key is read from scratch.
      for (const key of tombstoned.splice(0)) {
        for (const name of env.repositoryDefinitions) {
          if (env.state.get(name, key) !== undefined || env.state.failure(name, key) !== undefined) await env.state.remove(name, key);
        }
      }
    } catch (error) {
      throw stateError(error);
    }
    committedThisRead = true;
  };
  const write = async (output: string, key: string, deleted: boolean, data: unknown): Promise<void> => {
    if (finished) throw new Error(`${definition.name} wrote to ${output} after its read ended`);
    env.control.throwIfHalted();
    if (!planned.specs.has(output)) {
      throw new BbsyncError('config_error', `stream ${definition.name} wrote to ${JSON.stringify(output)}, which is not one of its outputs`, {
        field: 'streams',
        disposition: 'fatal',
        hint: 'This is a bug in the connector.',
      });
    }
    if (writer === undefined || !env.selected.has(output)) return;
    const envelope: RecordEnvelope = { stream: output, key, partition: partition.key, synced_at: new Date(env.clock.now()).toISOString(), deleted, data };
    try {
      await writer.write(envelope);
    } catch (error) {
      throw outputError(error);
    }
    const counts = pending.get(output) ?? { records: 0, deleted: 0 };
    if (deleted) counts.deleted += 1;
    else counts.records += 1;
    pending.set(output, counts);
  };

  const context: PartitionContext = {
    client: env.client,
    config: env.config,
    logger,
    clock: env.clock,
    signal: env.control.signal,
    stream: definition.name,
    partition,
    cursor,
    state: { get: (stream, key) => env.state.get(stream, key), partitions: (stream) => env.state.partitions(stream) },
    startDate: env.startDate,
    notFound: env.notFound,
    wants: (output) => !discoveryOnly && env.selected.has(output) && planned.specs.has(output),
    record: async (output, data) => {
      const spec = planned.specs.get(output);
      await write(output, spec === undefined ? '' : String(spec.primaryKey(data)), false, data);
    },
    deleted: async (output, key, last) => {
      await write(output, key, true, last ?? null);
      if (definition.providesPartitions === true && output === definition.outputs[0]?.name && writer !== undefined) {
        const tombstone: RecordEnvelope = {
          stream: DELETED_PARTITIONS_STREAM,
          key,
          partition: partition.key,
          synced_at: new Date(env.clock.now()).toISOString(),
          deleted: false,
          data: { partition: key, deletedFrom: output },
        };
        try {
          await writer.write(tombstone);
        } catch (error) {
          throw outputError(error);
        }
        tombstoned.push(key);
      }
    },
    absence: (what, status) => {
      if (discoveryOnly) return;
      env.report.absences.push({ stream: definition.name, partition: partition.name, what, ...(status === undefined ? {} : { status }) });
    },
    checkpoint: async (value) => {
      if (discoveryOnly) return;
      env.control.throwIfHalted();
      await makeDurable();
      await commit(value);
      env.progress.emit('tick', { stream: definition.name, partition: partition.name, records: recordsWritten() });
      // A graceful stop is under way: this partition's work so far is saved, so end it here rather than spend more.
      env.control.checkBudgets();
      if (env.control.draining !== undefined) throw DRAIN_EXIT;
    },
    provide: (provided) => {
      if (definition.scope !== 'workspace') {
        logger.warn('a repository stream tried to provide a partition; ignored', { provided: provided.name });
        return;
      }
      if (!env.provided.has(provided.key)) env.provided.set(provided.key, provided);
    },
    owns: (key) => env.owns(key),
    note: (event, detail) => {
      env.report.notes[event] += 1;
      logger.debug(event.replace('_', ' '), detail === undefined ? undefined : { detail });
    },
  };

  env.attribution.start(task.id);
  env.progress.emit('partition_start', { stream: definition.name, partition: partition.name });
  if (previous !== undefined && !coversSelection) context.note('full_resync', `new outputs: ${planned.outputs.filter((output) => !covered?.includes(output)).join(', ')}`);

  let outcome: PartitionOutcome;
  let failure: BbsyncError | undefined;
  /** Requests attributed to this partition, settled once it sends no more. */
  let requests: number | undefined;
  try {
    env.control.throwIfHalted();
    const next = await definition.read(context, partition);
    finished = true;
    // The read completed: its records are all written, so making them durable and committing is right even if
    // the run was halted meanwhile.
    if (!discoveryOnly) await makeDurable();
    requests = env.attribution.end(task.id);
    release?.();
    if (!discoveryOnly) {
      if (next !== undefined) await commit(next);
      else if (!committedThisRead && previous !== undefined && !coversSelection) await commit(previous.cursor);
      // A commit cleared an earlier failure mark; a read that committed nothing clears it here.
      if (env.state.failure(definition.name, partition.key) !== undefined) await recordFailure(env, definition.name, partition.key, undefined);
    }
    outcome = 'done';
  } catch (error) {
    finished = true;
    await writer?.abort();
    failure = toBbsyncError(error);
    if (error === DRAIN_EXIT || (env.control.halt !== undefined && failure.disposition !== 'fatal' && failure.disposition !== 'config')) {
      outcome = 'interrupted';
    } else if (failure.disposition === 'stop') {
      env.control.stop(failure.code === 'cancelled' ? 'cancelled' : 'budget_exhausted', failure.message);
      outcome = 'interrupted';
    } else {
      outcome = 'failed';
      env.report.addError(definition.name, partition, failure);
      if (failure.disposition === 'fatal' || failure.disposition === 'config') env.control.fail(`${failure.code}: ${failure.message}`);
      // Remembered in the state, so the next run retries this partition first.
      if (!discoveryOnly) await recordFailure(env, definition.name, partition.key, failure.code);
    }
  }

  requests ??= env.attribution.end(task.id);
  env.report.addPartition(definition.name, outcome, requests, env.clock.now() - started);
  if (outcome === 'interrupted') env.report.addRemaining(definition.name, partition);
  else env.progress.done += 1;
  const records = recordsWritten();
  if (outcome === 'failed') {
    env.progress.emit('partition_failed', { stream: definition.name, partition: partition.name, records });
    logger.warn('partition failed', { code: failure?.code, status: failure?.status, message: failure?.message, hint: failure?.hint });
  } else if (outcome === 'done') {
    env.progress.emit('partition_done', { stream: definition.name, partition: partition.name, records });
  } else {
    logger.info('partition interrupted; it continues next run', { reason: env.control.halt?.reason });
  }
  return outcome;
}
