import type { RunManifest } from '../output/types.js';
import { type SyncOptions } from './types.js';
/**
 * Runs one sync: resolves the selected streams, reads the workspace definitions (discovering repositories),
 * then every repository definition over every discovered repository this shard owns, `concurrency` partitions
 * at a time. Each partition's records are made durable before its cursor is committed, so a crash or a stop at
 * any instant loses nothing and the next run continues from the last commit.
 *
 * Resolves with the run's manifest, also written to `<outputDir>/manifest.json` (with the final state in
 * `state.json`) whatever the outcome: `complete`, `stopped` (deadline, request budget, cancellation, or a
 * `stop` error such as every credential being rate limited) or `failed` (a fatal or config error, or more than
 * `maxFailedFraction` of partitions failed). Rejects only for invalid options (nothing was read then) or when
 * the manifest itself cannot be written.
 */
export declare function runSync<Cfg>(options: SyncOptions<Cfg>): Promise<RunManifest>;
//# sourceMappingURL=engine.d.ts.map