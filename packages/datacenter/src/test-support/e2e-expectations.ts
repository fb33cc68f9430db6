/**
 * What the end-to-end tests assert about run folders and snapshots: equality with the simulator's ground truth,
 * complete runs, a repository's records, deletion markers.
 */
import { expect } from 'vitest';
import { readRecords, type RunManifest } from '@bbsync/core';
import type { DataCenterTruth } from '@bbsync/simulator';
import { expectedRecords, keysOf, type Records } from './engine-harness.js';

/** A repository of the ground truth. */
export type Repository = DataCenterTruth['repositories'][number];

/** The simulator's selector of a repository. */
export const selector = (repository: Repository) => ({ projectKey: repository.project.key, slug: repository.slug });

/**
 * Exactly the ground truth: the same keys per stream, and every record equal to the server's object now, but
 * for one live field: an open pull request's `toRef.latestCommit` is the target branch's tip, which moves without
 * touching the pull request's `updatedDate` or `version` (README, Known limits).
 */
export function expectTruth(records: Records, truth: DataCenterTruth): void {
  const expected = expectedRecords(truth);
  expect(keysOf(records)).toEqual(keysOf(expected));
  const differences: string[] = [];
  for (const [stream, byKey] of expected) {
    for (const [key, record] of byKey) {
      const normalize = stream === 'pull_requests' ? withoutTargetTip : (value: unknown) => value;
      const paths = differingPaths(normalize(records.get(stream)?.get(key)), normalize(record));
      if (paths.length > 0) differences.push(`${stream} ${key}: ${paths.join(', ')}`);
    }
  }
  expect(differences).toEqual([]);
}

export function withoutTargetTip(value: unknown): unknown {
  const pullRequest = value as { state?: string; toRef?: Record<string, unknown> } | undefined;
  if (pullRequest?.state !== 'OPEN' || pullRequest.toRef === undefined) return value;
  const { latestCommit: _live, ...toRef } = pullRequest.toRef;
  return { ...pullRequest, toRef };
}

/** The JSON paths where two values differ, each with both values (a readable failure). */
export function differingPaths(actual: unknown, expected: unknown, path = '$'): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  if (isObject(actual) && isObject(expected) && Array.isArray(actual) === Array.isArray(expected)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    return [...keys].flatMap((key) => differingPaths(actual[key], expected[key], `${path}.${key}`));
  }
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
}

/** `stream:key` of every deletion marker a run folder holds. */
export async function deletionMarkers(dir: string): Promise<string[]> {
  const markers: string[] = [];
  for await (const envelope of readRecords(dir)) if (envelope.deleted) markers.push(`${envelope.stream}:${envelope.key}`);
  return markers;
}

export function expectComplete(manifest: RunManifest): void {
  expect({ status: manifest.status, stopReason: manifest.stopReason, errors: manifest.errors }).toEqual({ status: 'complete', stopReason: undefined, errors: [] });
}

/** Keys of every stream that belong to one repository (records keyed `repositoryId:…`, or the repository itself). */
export function keysOfRepository(records: Records, id: number): string[] {
  return [...records].flatMap(([stream, byKey]) =>
    [...byKey.keys()].filter((key) => (stream === 'repositories' && key === String(id)) || key.startsWith(`${id}:`)).map((key) => `${stream}:${key}`),
  );
}

/** Repositories of the truth with at least `commits` default-branch commits and `pullRequests` pull requests. */
export function busy(truth: DataCenterTruth, commits: number, pullRequests = 0): Repository[] {
  return truth.repositories.filter((r) => (truth.commits[r.id]?.length ?? 0) >= commits && (truth.pullRequests[r.id]?.length ?? 0) >= pullRequests);
}
