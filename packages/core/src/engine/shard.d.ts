/**
 * The 1-based shard that owns a partition: the first 48 bits of sha256(partition key), as an unsigned integer,
 * modulo the shard count, plus one. sha256 because it is stable across Node versions, platforms and runs (so a
 * repository always lands on the same shard, and so does its cursor), and evenly spread even for keys that
 * share long prefixes (Cloud UUIDs, Data Center numeric ids). 48 bits keep the modulo bias below 2^-30.
 */
export declare function shardOf(partitionKey: string, shardCount: number): number;
//# sourceMappingURL=shard.d.ts.map