import { once } from 'node:events';
import { open, rename, unlink } from 'node:fs/promises';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
/**
 * One segment file being written: JSON Lines, gzipped by default, at a `.partial` path until {@link finish}
 * makes it durable and renames it to its final name. Writes honour the file's backpressure.
 */
export class SegmentWriter {
    partialPath;
    #handle;
    #file;
    #sink;
    /** Settles when everything written has reached the file (after `end`), or rejects on the first write error. */
    #done;
    #error;
    #drain;
    #ended = false;
    /** Lines written. */
    lines = 0;
    constructor(partialPath, handle, gzip) {
        this.partialPath = partialPath;
        this.#handle = handle;
        // autoClose off: `finish` must fsync the descriptor before it is closed.
        const file = handle.createWriteStream({ autoClose: false });
        this.#file = file;
        if (gzip) {
            const gzipStream = createGzip();
            this.#sink = gzipStream;
            this.#done = pipeline(gzipStream, file);
        }
        else {
            this.#sink = file;
            this.#done = finished(file);
        }
        this.#done.catch((error) => {
            this.#error ??= error;
        });
    }
    /** Creates the `.partial` file; fails if it exists (a run folder is never written twice). */
    static async open(partialPath, gzip) {
        return new SegmentWriter(partialPath, await open(partialPath, 'wx'), gzip);
    }
    /** Appends one line (which must end with `\n`); resolves when the sink can take more. */
    async write(line) {
        if (this.#error !== undefined)
            throw this.#error;
        if (this.#ended)
            throw new Error(`segment ${this.partialPath} is already closed`);
        this.lines += 1;
        if (!this.#sink.write(line)) {
            // One shared wait for all writers blocked on this drain. Raced against the pipeline: a failed file write
            // would otherwise leave us waiting forever.
            this.#drain ??= Promise.race([once(this.#sink, 'drain'), this.#done]).then(() => {
                this.#drain = undefined;
            });
            await this.#drain;
            if (this.#error !== undefined)
                throw this.#error;
        }
    }
    /** Ends the gzip member, fsyncs and closes the file, then renames it to `finalPath`. The caller fsyncs the folder. */
    async finish(finalPath) {
        this.#ended = true;
        this.#sink.end();
        try {
            await this.#done;
            await this.#handle.sync();
        }
        finally {
            await this.#close();
        }
        await rename(this.partialPath, finalPath);
    }
    /**
     * A stream made by `FileHandle.createWriteStream` holds a reference on the handle until it is destroyed, and
     * `FileHandle.close()` waits for it; with `autoClose: false` destroying the stream leaves the descriptor open.
     */
    async #close() {
        this.#file.destroy();
        await this.#handle.close();
    }
    /** Throws the segment away: stops writing and deletes the `.partial` file. Never throws. */
    async discard() {
        this.#ended = true;
        this.#sink.destroy();
        await this.#done.catch(() => undefined);
        await this.#close().catch(() => undefined);
        await unlink(this.partialPath).catch(() => undefined);
    }
}
//# sourceMappingURL=segment-writer.js.map