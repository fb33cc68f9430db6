import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from '../state/durable-file.js';
import { assertSafeStreamName, safePartitionName } from './safe-name.js';
import { SegmentWriter } from './segment-writer.js';
/** Where the segments of a run live, relative to the run folder. */
export const STREAMS_FOLDER = 'streams';
/**
 * Writes the segment files of one run folder (layout in `output/types.ts`). Hands out one
 * {@link PartitionWriter} per partition being read; numbers segments per (stream, partition) so a partition
 * that checkpoints several times writes `name.1.jsonl.gz`, `name.2.jsonl.gz`, ... in order.
 */
export class RunWriter {
    runDir;
    gzip;
    #streamFolders = new Map();
    #nextSeq = new Map();
    #files = new Map();
    constructor(runDir, gzip) {
        this.runDir = runDir;
        this.gzip = gzip;
    }
    /** Creates `<runDir>/streams` (and the run folder) durably. */
    static async create(runDir, options = {}) {
        await mkdir(join(runDir, STREAMS_FOLDER), { recursive: true });
        await syncDir(runDir);
        return new RunWriter(runDir, options.gzip ?? true);
    }
    /** A writer for one partition's records (of any of its outputs). */
    partition(partition) {
        return new PartitionWriter(this, partition.key, safePartitionName(partition));
    }
    /** Finished segment files per stream, as paths relative to the run folder, in write order. */
    files() {
        return Object.fromEntries([...this.#files].map(([stream, files]) => [stream, [...files]]));
    }
    /** @internal Creates (once, durably) the folder of `stream` and returns its path. */
    streamFolder(stream) {
        let folder = this.#streamFolders.get(stream);
        if (folder === undefined) {
            assertSafeStreamName(stream);
            const path = join(this.runDir, STREAMS_FOLDER, stream);
            folder = mkdir(path, { recursive: true })
                .then(() => syncDir(join(this.runDir, STREAMS_FOLDER)))
                .then(() => path);
            this.#streamFolders.set(stream, folder);
        }
        return folder;
    }
    /** @internal The next segment number of (stream, stem): never reused within the run. */
    allocateSeq(stream, stem) {
        const id = `${stream}/${stem}`;
        const seq = this.#nextSeq.get(id) ?? 1;
        this.#nextSeq.set(id, seq + 1);
        return seq;
    }
    /** @internal */
    addFile(stream, fileName) {
        const files = this.#files.get(stream) ?? [];
        files.push(`${STREAMS_FOLDER}/${stream}/${fileName}`);
        this.#files.set(stream, files);
    }
}
/** A record that JSON cannot represent (a BigInt, a cycle): the data's fault, not the disk's. */
export class UnserializableRecordError extends Error {
    constructor(stream, cause) {
        super(`a record of ${stream} cannot be written as JSON: ${cause.message}`, { cause });
        this.name = 'UnserializableRecordError';
    }
}
/**
 * The records of one partition, one open segment per output stream. `flush` makes everything written so far
 * durable under final names (the engine commits the cursor only after it resolves); `abort` deletes what was
 * not flushed. Records of one stream are written in call order.
 */
export class PartitionWriter {
    #run;
    #partitionKey;
    #stem;
    #segments = new Map();
    /** Writes not settled yet: a flush waits for those that were called before it. */
    #pending = new Set();
    #aborted = false;
    /** The first failed write: this writer can never again prove that everything written is on disk. */
    #failure;
    /** Records written per stream since the writer was created. */
    written = new Map();
    /** @internal Use {@link RunWriter.partition}. */
    constructor(run, partitionKey, stem) {
        this.#run = run;
        this.#partitionKey = partitionKey;
        this.#stem = stem;
    }
    /** Appends one envelope to the stream's open segment (opening one if needed); awaits backpressure. */
    write(envelope) {
        if (this.#aborted)
            return Promise.reject(new Error('the partition writer was aborted'));
        if (this.#failure !== undefined)
            return Promise.reject(this.#failure);
        if (envelope.partition !== this.#partitionKey)
            return Promise.reject(new Error('an envelope of another partition was written here'));
        let line;
        try {
            line = `${JSON.stringify(envelope)}\n`;
        }
        catch (error) {
            this.#failure = new UnserializableRecordError(envelope.stream, error);
            return Promise.reject(this.#failure);
        }
        // Picks the segment now, synchronously, so a flush called after this write still includes it.
        const segment = this.#segment(envelope.stream);
        const write = segment.then((open) => open.writer.write(line));
        this.#pending.add(write);
        write.then(() => this.#pending.delete(write), (error) => {
            this.#pending.delete(write);
            this.#failure ??= error;
        });
        return write.then(() => {
            this.written.set(envelope.stream, (this.written.get(envelope.stream) ?? 0) + 1);
        });
    }
    /**
     * Ends every open segment: fsync, rename `.partial` to its final name, fsync the folders. The next records
     * go to new segments (the next sequence numbers). Resolves when all of it is durable.
     */
    async flush() {
        // Taken synchronously: writes called from now on go to the next segments.
        const open = [...this.#segments.values()];
        this.#segments.clear();
        await Promise.allSettled([...this.#pending]);
        if (this.#failure !== undefined) {
            // A write failed, so a record is missing: nothing may be made final, no cursor committed past it.
            await Promise.all(open.map(async (pending) => (await pending.catch(() => undefined))?.writer.discard()));
            throw this.#failure;
        }
        const results = await Promise.allSettled(open.map(async (pending) => {
            const segment = await pending;
            try {
                await segment.writer.finish(join(segment.folder, segment.fileName));
            }
            catch (error) {
                await segment.writer.discard();
                throw error;
            }
            return segment;
        }));
        const finished = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        await Promise.all([...new Set(finished.map((segment) => segment.folder))].map((folder) => syncDir(folder)));
        for (const segment of finished)
            this.#run.addFile(segment.stream, segment.fileName);
        const failed = results.find((result) => result.status === 'rejected');
        if (failed !== undefined)
            throw failed.reason;
    }
    /** Deletes every segment not yet flushed. Flushed segments stay: their cursor may already be committed. */
    async abort() {
        this.#aborted = true;
        const open = [...this.#segments.values()];
        this.#segments.clear();
        await Promise.all(open.map(async (pending) => (await pending.catch(() => undefined))?.writer.discard()));
        await Promise.allSettled([...this.#pending]);
    }
    #segment(stream) {
        let segment = this.#segments.get(stream);
        if (segment === undefined) {
            segment = this.#open(stream);
            this.#segments.set(stream, segment);
        }
        return segment;
    }
    async #open(stream) {
        const folder = await this.#run.streamFolder(stream);
        const seq = this.#run.allocateSeq(stream, this.#stem);
        const fileName = `${this.#stem}.${seq}.jsonl${this.#run.gzip ? '.gz' : ''}`;
        const writer = await SegmentWriter.open(join(folder, `${fileName}.partial`), this.#run.gzip);
        return { stream, writer, folder, fileName };
    }
}
//# sourceMappingURL=run-writer.js.map