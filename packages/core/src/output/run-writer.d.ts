import type { PartitionDescriptor } from '../engine/types.js';
import type { RecordEnvelope } from './types.js';
export interface RunWriterOptions {
    /** gzip the JSON Lines. @default true */
    readonly gzip?: boolean | undefined;
}
/** Where the segments of a run live, relative to the run folder. */
export declare const STREAMS_FOLDER = "streams";
/**
 * Writes the segment files of one run folder (layout in `output/types.ts`). Hands out one
 * {@link PartitionWriter} per partition being read; numbers segments per (stream, partition) so a partition
 * that checkpoints several times writes `name.1.jsonl.gz`, `name.2.jsonl.gz`, ... in order.
 */
export declare class RunWriter {
    #private;
    readonly runDir: string;
    readonly gzip: boolean;
    private constructor();
    /** Creates `<runDir>/streams` (and the run folder) durably. */
    static create(runDir: string, options?: RunWriterOptions): Promise<RunWriter>;
    /** A writer for one partition's records (of any of its outputs). */
    partition(partition: PartitionDescriptor): PartitionWriter;
    /** Finished segment files per stream, as paths relative to the run folder, in write order. */
    files(): Record<string, string[]>;
    /** @internal Creates (once, durably) the folder of `stream` and returns its path. */
    streamFolder(stream: string): Promise<string>;
    /** @internal The next segment number of (stream, stem): never reused within the run. */
    allocateSeq(stream: string, stem: string): number;
    /** @internal */
    addFile(stream: string, fileName: string): void;
}
/** A record that JSON cannot represent (a BigInt, a cycle): the data's fault, not the disk's. */
export declare class UnserializableRecordError extends Error {
    constructor(stream: string, cause: unknown);
}
/**
 * The records of one partition, one open segment per output stream. `flush` makes everything written so far
 * durable under final names (the engine commits the cursor only after it resolves); `abort` deletes what was
 * not flushed. Records of one stream are written in call order.
 */
export declare class PartitionWriter {
    #private;
    /** Records written per stream since the writer was created. */
    readonly written: Map<string, number>;
    /** @internal Use {@link RunWriter.partition}. */
    constructor(run: RunWriter, partitionKey: string, stem: string);
    /** Appends one envelope to the stream's open segment (opening one if needed); awaits backpressure. */
    write(envelope: RecordEnvelope): Promise<void>;
    /**
     * Ends every open segment: fsync, rename `.partial` to its final name, fsync the folders. The next records
     * go to new segments (the next sequence numbers). Resolves when all of it is durable.
     */
    flush(): Promise<void>;
    /** Deletes every segment not yet flushed. Flushed segments stay: their cursor may already be committed. */
    abort(): Promise<void>;
}
//# sourceMappingURL=run-writer.d.ts.map