/**
 * What main hands to post through `core.saveState` (GITHUB_STATE -> STATE_* in the post step): the paths of
 * whatever main checkpointed, so that a cancelled run still uploads its data and saves its cursor.
 */
import * as core from '@actions/core';

export interface JobState {
  /** The run folder (segments, manifest.json once the engine ended). */
  readonly runDir: string;
  /** The state file the engine commits to. */
  readonly statePath: string;
  /** The cached path exactly as passed to @actions/cache (identical in save and restore, or they miss). */
  readonly cachePath: string;
  /** The unique key this run saves its cursor under. */
  readonly cacheKey: string;
  readonly artifactName: string;
  readonly retentionDays?: number | undefined;
  readonly source: string;
  readonly scope: string;
  readonly shard?: string | undefined;
  readonly runId: string;
  readonly startedAt: string;
}

/** Main's progress: `syncing` until the engine returns; `done` once main uploaded (or decided not to). */
export type JobPhase = 'syncing' | 'cancelled' | 'done';

const JOB = 'bbsync-job';
const PHASE = 'bbsync-phase';

export function saveJobState(state: JobState): void {
  core.saveState(JOB, JSON.stringify(state));
}

export function saveJobPhase(phase: JobPhase): void {
  core.saveState(PHASE, phase);
}

/** The job state main saved, or undefined when main stopped before the sync began. */
export function loadJobState(): { state: JobState | undefined; phase: JobPhase | undefined } {
  const raw = core.getState(JOB);
  const phase = core.getState(PHASE);
  let state: JobState | undefined;
  try {
    state = raw === '' ? undefined : (JSON.parse(raw) as JobState);
  } catch {
    state = undefined;
  }
  return { state, phase: phase === '' ? undefined : (phase as JobPhase) };
}
