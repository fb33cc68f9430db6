/** One sync, as the parent describes it to a child process (JSON in the `BBSYNC_E2E_JOB` variable). */
import type { CredentialConfig } from '@bbsync/core';

export type ApiKind = 'cloud' | 'datacenter';

export interface SyncJob {
  readonly api: ApiKind;
  /** The connector's raw config (validated by its `parseConfig` in the child). */
  readonly config: Record<string, unknown>;
  readonly credentials: readonly CredentialConfig[];
  readonly stateFile: string;
  readonly runDir: string;
  readonly runId: string;
  readonly concurrency?: number;
  readonly maxRequests?: number;
  /** Stop gracefully this many ms after the sync started (turned into an epoch-ms `deadline`). */
  readonly deadlineAfterMs?: number;
  /** Longest rate-limit wait before the run stops gracefully. */
  readonly maxWaitMs?: number;
  readonly streams?: readonly string[];
  /** Header and body timeouts of the transport (short ones turn the simulator's stalls into timeouts). */
  readonly timeoutMs?: number;
  /** This run's shard (1-based index of count). @default one shard */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** The line a child prints when its sync returned; followed by the JSON outcome. */
export const RESULT_MARKER = 'BBSYNC_E2E_RESULT ';
/** Printed once the SIGTERM handler is installed and the sync started. */
export const READY_MARKER = 'BBSYNC_E2E_READY';

/** What a child reports about its run. */
export interface SyncOutcome {
  readonly status: 'complete' | 'stopped' | 'partial' | 'failed' | 'threw';
  readonly stopReason?: string;
  readonly requests?: number;
  readonly retries?: number;
  readonly errors?: readonly { stream: string; partition: string; code: string; message: string }[];
  readonly remaining?: readonly { stream: string; partition: string }[];
  /** For `threw`: the error's JSON (BbsyncError.toJSON) or message. */
  readonly error?: unknown;
}

/** Parses the outcome line of a child's stdout (undefined when the child died before printing it). */
export function parseOutcome(stdout: string): SyncOutcome | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as SyncOutcome);
}
