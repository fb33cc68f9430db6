/**
 * Runs one stream definition's partition without the engine: an in-memory PartitionContext that keeps what
 * the stream wrote, its absences and checkpoints. For focused tests of a stream's requests and cursors with a
 * scripted client; the end-to-end tests (../engine.e2e.test.ts) go through core's `runSync`.
 */
import { BbsyncError, NotFoundMemo, silentLogger, systemClock, type ApiClient, type Logger, type PartitionContext, type PartitionDescriptor, type PartitionState, type StreamDefinition } from '@bbsync/core';

export interface Written {
  readonly records: Map<string, Map<string, unknown>>;
  readonly deleted: Map<string, Set<string>>;
  readonly absences: { what: string; status?: number | undefined }[];
  readonly provided: PartitionDescriptor[];
  readonly checkpoints: unknown[];
  readonly notes: string[];
}

export interface DirectRun<C> extends Written {
  readonly cursor: C | undefined;
}

export interface DirectOptions<C, Cfg> {
  readonly definition: StreamDefinition<any, C, Cfg>;
  readonly client: ApiClient;
  readonly config: Cfg;
  readonly partition: PartitionDescriptor;
  readonly cursor?: C | undefined;
  /** Selected outputs. @default every output of the definition */
  readonly wants?: readonly string[] | undefined;
  /** Committed cursors of other partitions, by stream then partition key. */
  readonly state?: Record<string, Record<string, unknown>> | undefined;
  readonly owns?: ((key: string) => boolean) | undefined;
  readonly logger?: Logger | undefined;
  readonly startDate?: Date | undefined;
  /** Stop the run (as a spent budget does) at the checkpoint after this many succeeded. */
  readonly stopAfterCheckpoints?: number | undefined;
}

/** Runs the partition and returns what it wrote plus the cursor it returned (or the one it had). */
export async function runDirect<C, Cfg>(options: DirectOptions<C, Cfg>): Promise<DirectRun<C>> {
  const { definition } = options;
  const keyOf = new Map(definition.outputs.map((output) => [output.name, output.primaryKey]));
  const written: Written = { records: new Map(), deleted: new Map(), absences: [], provided: [], checkpoints: [], notes: [] };
  const selected = new Set(options.wants ?? definition.outputs.map((output) => output.name));
  const states = (stream: string): Record<string, PartitionState> =>
    Object.fromEntries(Object.entries(options.state?.[stream] ?? {}).map(([key, cursor]) => [key, { cursor, committedAt: '' }]));
  const ctx: PartitionContext<any, C, Cfg> = {
    client: options.client,
    config: options.config,
    logger: options.logger ?? silentLogger,
    clock: systemClock,
    signal: new AbortController().signal,
    stream: definition.name,
    partition: options.partition,
    cursor: options.cursor,
    state: {
      get: <S>(stream: string, key: string) => states(stream)[key] as PartitionState<S> | undefined,
      partitions: states,
    },
    startDate: options.startDate,
    wants: (output) => selected.has(output),
    async record(output, data) {
      const key = keyOf.get(output)?.(data);
      if (key === undefined) throw new Error(`${definition.name} wrote to an unknown output ${output}`);
      if (!written.records.has(output)) written.records.set(output, new Map());
      written.records.get(output)?.set(key, data);
    },
    async deleted(output, key) {
      if (!written.deleted.has(output)) written.deleted.set(output, new Set());
      written.deleted.get(output)?.add(key);
      written.records.get(output)?.delete(key);
    },
    absence(what, status) {
      written.absences.push({ what, status });
    },
    async checkpoint(cursor) {
      if (written.checkpoints.length === options.stopAfterCheckpoints) throw new BbsyncError('budget_exhausted', 'stopped by the test');
      written.checkpoints.push(cursor);
    },
    provide(partition) {
      written.provided.push(partition);
    },
    owns: options.owns ?? (() => true),
    notFound: new NotFoundMemo(),
    note(event, detail) {
      written.notes.push(`${event}${detail ? `: ${detail}` : ''}`);
    },
  };
  const cursor = await definition.read(ctx, options.partition);
  return { ...written, cursor: cursor ?? options.cursor };
}
