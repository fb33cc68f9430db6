import type { Clock } from '../clock.js';
import type { ApiClient } from '../http/types.js';
import type { Logger } from '../logger.js';
import { type RunWriter } from '../output/run-writer.js';
import type { StateStore } from '../state/types.js';
import type { ProgressReporter } from './progress.js';
import type { RequestAttribution } from './request-attribution.js';
import type { RunControl } from './run-control.js';
import type { RunReport } from './run-report.js';
import type { PlannedDefinition } from './selection.js';
import type { PartitionDescriptor } from './types.js';
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
}
/**
 * Runs one partition: reads it through a context that writes to its own segment files, then makes the records
 * durable (flush) and only then commits the cursor. A `checkpoint` does the same mid-partition. On failure the
 * unflushed segments are deleted and the cursor stays where it was; the error is isolated unless it is fatal.
 */
export declare function runPartition(task: PartitionTask, env: RunEnvironment): Promise<PartitionOutcome>;
//# sourceMappingURL=partition-runner.d.ts.map