/**
 * What bbsync writes. One run folder:
 *   <runDir>/manifest.json
 *   <runDir>/state.json                 (the state after the run; copied in by the engine at the end)
 *   <runDir>/streams/<stream>/<safe partition name>.<seq>.jsonl.gz
 * A segment is written as `<name>.partial`, then fsync'd and renamed when its partition checkpoints:
 * a `.partial` file is never data (a crash left it) and merge ignores it.
 */
/**
 * A reserved output: when a partition provider writes a deletion marker for one of its own records (a deleted
 * repository), the engine also writes a tombstone here, keyed by the partition key. Merge drops every record of
 * every stream whose envelope `partition` is tombstoned by the same or a later input, so a deleted repository's
 * pull requests, commits and pipelines leave the merged dataset with it. It is data (not only the manifest), so it
 * is durable with the deletion marker even when the run is killed before its manifest is written.
 */
export const DELETED_PARTITIONS_STREAM = '_deleted_partitions';
//# sourceMappingURL=types.js.map