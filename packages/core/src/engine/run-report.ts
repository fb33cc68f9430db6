import type { BbsyncError } from '../errors.js';
import type { DefinitionCounts, RunFailure, RunManifest, StreamCounts } from '../output/types.js';
import type { Selection } from './selection.js';
import type { PartitionDescriptor } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type ManifestError = Mutable<RunManifest['errors'][number]>;
type ManifestAbsence = Mutable<RunManifest['absences'][number]>;

/** One line saying what failed, e.g. `repositories listing failed (server_error)` or `pipelines failed in 3 of 10 partitions (not_found)`. */
export function describeFailure(failure: RunFailure): string {
  const codes = failure.codes.length === 0 ? '' : ` (${failure.codes.join(', ')})`;
  if (failure.whole === 'listing') return `the ${failure.stream} listing failed${codes}: the streams that depend on it did not run over every partition`;
  const total = failure.failed + failure.done;
  return failure.whole === 'everywhere'
    ? `${failure.stream} failed in every partition (${failure.failed} of ${total})${codes}`
    : `${failure.stream} failed in ${failure.failed} of ${total} partitions${codes}`;
}

/** What a run did, gathered while it runs, for the manifest. Record counts only include durable (flushed) records. */
export class RunReport {
  readonly errors: ManifestError[] = [];
  readonly absences: ManifestAbsence[] = [];
  readonly remaining: { stream: string; partition: string }[] = [];
  readonly notes = { idle_skip: 0, full_resync: 0 };
  readonly #outputs = new Map<string, { records: number; deleted: number; definition: string }>();
  readonly #definitions = new Map<string, DefinitionCounts>();
  /** Workspace definitions that discover the repository partitions: a failure there leaves the run without its work. */
  readonly #providers = new Set<string>();

  constructor(selection: Selection) {
    for (const planned of selection.definitions) {
      const name = planned.definition.name;
      if (planned.definition.providesPartitions === true) this.#providers.add(name);
      this.#definitions.set(name, {
        scope: planned.definition.scope,
        outputs: planned.outputs,
        partitions: 0,
        failedPartitions: 0,
        requests: 0,
        durationMs: 0,
      });
      for (const output of planned.outputs) this.#outputs.set(output, { records: 0, deleted: 0, definition: name });
    }
  }

  /** Counts records and deletion markers once they are durable. */
  addDurable(output: string, records: number, deleted: number): void {
    const counts = this.#outputs.get(output);
    if (counts === undefined) return;
    counts.records += records;
    counts.deleted += deleted;
  }

  /** Accounts a partition that ended, however it ended. */
  addPartition(definition: string, outcome: 'done' | 'failed' | 'interrupted', requests: number, durationMs: number): void {
    const counts = this.#definitions.get(definition);
    if (counts === undefined) return;
    if (outcome === 'done') counts.partitions += 1;
    if (outcome === 'failed') counts.failedPartitions += 1;
    counts.requests += requests;
    counts.durationMs += durationMs;
  }

  addError(definition: string, partition: PartitionDescriptor, error: BbsyncError): void {
    this.errors.push({
      stream: definition,
      partition: partition.name,
      code: error.code,
      message: error.message,
      ...(error.status === undefined ? {} : { status: error.status }),
      hint: error.hint,
    });
  }

  addRemaining(definition: string, partition: PartitionDescriptor): void {
    this.remaining.push({ stream: definition, partition: partition.name });
  }

  /** Partitions that finished and that failed, over every definition. */
  totals(): { done: number; failed: number } {
    let done = 0;
    let failed = 0;
    for (const counts of this.#definitions.values()) {
      done += counts.partitions;
      failed += counts.failedPartitions;
    }
    return { done, failed };
  }

  /**
   * What failed, worst first: each failed definition with its failed and finished partition counts and error
   * codes, and whether the failure is whole (`listing`: a partition provider such as the repository listing
   * failed, so the repository streams ran over what it found before failing, or nothing; `everywhere`: every
   * partition it read failed). Empty when no partition failed.
   */
  failures(): RunFailure[] {
    const failures: RunFailure[] = [];
    for (const [stream, counts] of this.#definitions) {
      if (counts.failedPartitions === 0) continue;
      const codes = [...new Set(this.errors.filter((error) => error.stream === stream).map((error) => error.code))];
      // "Everywhere" only when nothing of it is left for the next run either (a stop may have cut it short).
      const everywhere = counts.partitions === 0 && !this.remaining.some((entry) => entry.stream === stream);
      const whole = this.#providers.has(stream) ? 'listing' : everywhere ? 'everywhere' : undefined;
      failures.push({ stream, failed: counts.failedPartitions, done: counts.partitions, codes, ...(whole === undefined ? {} : { whole }) });
    }
    const rank = (failure: RunFailure) => (failure.whole === 'listing' ? 0 : failure.whole === 'everywhere' ? 1 : 2);
    return failures.sort((a, b) => rank(a) - rank(b));
  }

  definitions(): Record<string, DefinitionCounts> {
    return Object.fromEntries([...this.#definitions].map(([name, counts]) => [name, { ...counts, requests: Math.round(counts.requests) }]));
  }

  /** Per selected output: its own record counts, and its definition's partition, request and time counts. */
  streams(): Record<string, StreamCounts> {
    // Own properties whatever the name (`Object.fromEntries` defines them): an output may be called `__proto__`.
    return Object.fromEntries(
      [...this.#outputs].map(([output, counts]): [string, StreamCounts] => {
        const definition = this.#definitions.get(counts.definition) as DefinitionCounts;
        return [
          output,
          {
            records: counts.records,
            deleted: counts.deleted,
            partitions: definition.partitions,
            failedPartitions: definition.failedPartitions,
            requests: Math.round(definition.requests),
            durationMs: definition.durationMs,
          },
        ];
      }),
    );
  }
}
