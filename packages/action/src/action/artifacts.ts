/**
 * The run's artifact (@actions/artifact v4: immutable, one per name per run) and the fallback that finds
 * the cursor inside an earlier run's artifact when the cache has none (evicted after 7 days unused, or
 * 10 GB pressure).
 */
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';

/** Every finished file of a run folder (`.partial` segments are never data). */
export async function runFiles(runDir: string): Promise<string[]> {
  const entries = await readdir(runDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.partial') && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export type UploadResult = { readonly id: number | undefined; readonly size: number | undefined } | { readonly error: string };

/** Uploads the run folder as one artifact. Never throws: returns the error instead. */
export async function uploadRun(runDir: string, name: string, retentionDays: number | undefined): Promise<UploadResult> {
  try {
    const files = await runFiles(runDir);
    const client = new DefaultArtifactClient();
    // The JSON Lines are gzipped already: zip level 1 saves time for no loss.
    const response = await client.uploadArtifact(name, files, runDir, { retentionDays, compressionLevel: 1 });
    core.info(`Uploaded artifact ${name} (${files.length} files, ${response.size ?? '?'} bytes, id ${response.id ?? '?'})`);
    return { id: response.id, size: response.size };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export interface ArtifactCursorSearch {
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly artifactName: string;
  readonly currentRunId: number;
  /** Where the state file must land. */
  readonly statePath: string;
  /** The scope the state must belong to (a state of another scope is skipped). */
  readonly scope: string;
  /** @default GITHUB_API_URL or https://api.github.com */
  readonly apiUrl?: string | undefined;
}

export type ArtifactCursorResult = { readonly runId: number; readonly artifactName: string } | undefined;

/**
 * Looks for `state.json` in the newest artifact of this name from an earlier run (REST
 * `GET /repos/{owner}/{repo}/actions/artifacts?name=`, newest first), downloads it and installs the state.
 * Returns undefined (with a warning on failures) when none is usable.
 */
export async function findCursorInArtifacts(search: ArtifactCursorSearch): Promise<ArtifactCursorResult> {
  const [owner, repo] = search.repository.split('/');
  if (!owner || !repo) return undefined;
  const api = (search.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  let listing: { artifacts?: { id: number; name: string; expired?: boolean; workflow_run?: { id?: number } }[] };
  try {
    const url = `${api}/repos/${owner}/${repo}/actions/artifacts?name=${encodeURIComponent(search.artifactName)}&per_page=10`;
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${search.token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    });
    if (!response.ok) {
      core.warning(`Could not list earlier artifacts (HTTP ${response.status}); starting without a cursor.`);
      return undefined;
    }
    listing = (await response.json()) as typeof listing;
  } catch (error) {
    core.warning(`Could not list earlier artifacts: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const candidates = (listing.artifacts ?? []).filter((a) => !a.expired && a.workflow_run?.id !== undefined && a.workflow_run.id !== search.currentRunId);
  for (const artifact of candidates.slice(0, 3)) {
    const runId = artifact.workflow_run?.id as number;
    const dir = await mkdtemp(join(tmpdir(), 'bbsync-artifact-'));
    try {
      const client = new DefaultArtifactClient();
      await client.downloadArtifact(artifact.id, {
        path: dir,
        findBy: { token: search.token, workflowRunId: runId, repositoryOwner: owner, repositoryName: repo },
      });
      const statePath = join(dir, 'state.json');
      const state = JSON.parse(await readFile(statePath, 'utf8')) as { scope?: unknown };
      if (state.scope !== search.scope) {
        core.info(`Artifact ${artifact.name} of run ${runId} holds the state of another scope; skipped.`);
        continue;
      }
      await copyFile(statePath, search.statePath);
      core.info(`Restored the cursor from artifact ${artifact.name} of run ${runId} (${relative(dir, statePath)}).`);
      return { runId, artifactName: artifact.name };
    } catch (error) {
      core.warning(`Could not use artifact ${artifact.name} of run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return undefined;
}
