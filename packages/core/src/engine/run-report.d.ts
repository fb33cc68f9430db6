import type { BbsyncError } from '../errors.js';
import type { DefinitionCounts, RunManifest, StreamCounts } from '../output/types.js';
import type { Selection } from './selection.js';
import type { PartitionDescriptor } from './types.js';
type Mutable<T> = {
    -readonly [K in keyof T]: T[K];
};
type ManifestError = Mutable<RunManifest['errors'][number]>;
type ManifestAbsence = Mutable<RunManifest['absences'][number]>;
/** What a run did, gathered while it runs, for the manifest. Record counts only include durable (flushed) records. */
export declare class RunReport {
    #private;
    readonly errors: ManifestError[];
    readonly absences: ManifestAbsence[];
    readonly remaining: {
        stream: string;
        partition: string;
    }[];
    readonly notes: {
        idle_skip: number;
        full_resync: number;
    };
    constructor(selection: Selection);
    /** Counts records and deletion markers once they are durable. */
    addDurable(output: string, records: number, deleted: number): void;
    /** Accounts a partition that ended, however it ended. */
    addPartition(definition: string, outcome: 'done' | 'failed' | 'interrupted', requests: number, durationMs: number): void;
    addError(definition: string, partition: PartitionDescriptor, error: BbsyncError): void;
    addRemaining(definition: string, partition: PartitionDescriptor): void;
    /** Partitions that finished and that failed, over every definition. */
    totals(): {
        done: number;
        failed: number;
    };
    definitions(): Record<string, DefinitionCounts>;
    /** Per selected output: its own record counts, and its definition's partition, request and time counts. */
    streams(): Record<string, StreamCounts>;
}
export {};
//# sourceMappingURL=run-report.d.ts.map