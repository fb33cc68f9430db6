/**
 * A file-name stem for a partition: its name reduced to `[A-Za-z0-9._-]`, without leading dots or dashes (no
 * `..`, no hidden files, nothing a shell reads as an option), capped in length, plus a short hash of the
 * partition's key and name. Names from the API (`workspace/slug`, `PROJECT/slug`, unicode, very long) can thus
 * neither escape the run folder nor collide: two partitions that differ in key or name differ in the hash.
 */
export declare function safePartitionName(partition: {
    readonly key: string;
    readonly name: string;
}): string;
/** Stream names become folder names, so they must be plain (they come from connectors, not from the API). */
export declare function assertSafeStreamName(name: string): void;
/** The parts of a finished segment's file name, or undefined for anything else (`.partial` files included). */
export declare function parseSegmentName(fileName: string): {
    stem: string;
    seq: number;
    gzip: boolean;
} | undefined;
/** Orders segment files for folding: by stem, then by sequence number (numerically, so 10 comes after 9). */
export declare function compareSegmentNames(a: string, b: string): number;
//# sourceMappingURL=safe-name.d.ts.map