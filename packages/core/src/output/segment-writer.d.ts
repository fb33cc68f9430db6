/**
 * One segment file being written: JSON Lines, gzipped by default, at a `.partial` path until {@link finish}
 * makes it durable and renames it to its final name. Writes honour the file's backpressure.
 */
export declare class SegmentWriter {
    #private;
    readonly partialPath: string;
    /** Lines written. */
    lines: number;
    private constructor();
    /** Creates the `.partial` file; fails if it exists (a run folder is never written twice). */
    static open(partialPath: string, gzip: boolean): Promise<SegmentWriter>;
    /** Appends one line (which must end with `\n`); resolves when the sink can take more. */
    write(line: string): Promise<void>;
    /** Ends the gzip member, fsyncs and closes the file, then renames it to `finalPath`. The caller fsyncs the folder. */
    finish(finalPath: string): Promise<void>;
    /** Throws the segment away: stops writing and deletes the `.partial` file. Never throws. */
    discard(): Promise<void>;
}
//# sourceMappingURL=segment-writer.d.ts.map