/**
 * `repositories`: discovers the repository partitions every repository-scoped stream reads.
 *
 * One listing per run: `GET /repos` (every repository the caller can read, across projects) or, when projects
 * are configured, `GET /projects/{key}/repos` per project; both at `limit=pageSize`. When `GET /repos` itself
 * does not answer (404 or 403: an older server, or a proxy or token that allows only project paths), the
 * repositories are listed per project instead, over `GET /projects`, before the listing is given up.
 *
 * Each repository record carries its default branch (`defaultBranch`, `defaultBranchRef`), read with one
 * `GET …/branches/default` per repository (several in flight). That request also names the tip commit, which
 * travels to the `commits` stream in the partition (`head`), so a repository whose tip did not move costs the
 * `commits` stream nothing: a nothing-changed run is this request plus one pull request page per repository.
 * The branch is read only when the `repositories` output is selected (its records carry it). Core's engine
 * answers `ctx.wants` for this definition's own outputs only, so this stream cannot tell whether `commits` is
 * selected; when `repositories` is not, the `commits` stream reads the branch itself: the same one request.
 *
 * Repositories that vanished from the listing are confirmed with `GET /projects/{key}/repos/{slug}` (404)
 * before a deletion marker is written. Every vanished repository, whichever shard reads its partitions: the
 * engine runs workspace streams with writes on shard 1 only (other shards discover without writing or
 * committing, so their cursor here stays empty and they confirm nothing). The deletion marker also makes the
 * engine write a partition tombstone, which drops the repository's records of every stream when merging.
 */
import { isBbsyncError, type PartitionContext, type StreamDefinition } from '@bbsync/core';
import type { DcProject, DcRepository } from '../api-types.js';
import { mapConcurrently } from '../concurrency.js';
import type { DataCenterConfig } from '../config.js';
import { defaultBranchFields, readRepositoryHead, type RepositoryHead } from '../default-branch.js';
import { confirmedGone } from '../gone.js';
import { listing, pageListing, type PageListing } from '../listing.js';
import { OUTPUTS } from '../outputs.js';
import { repositoryName, repositoryPartition, repositoryRef } from '../partition.js';
import { PROJECTS_PATH, projectReposPath, REPOS_PATH, repositoryPath } from '../paths.js';
import { repositorySelector } from '../repository-filter.js';

/** Cursor: the repositories provided last time, and configured default branches learned for empty ones. */
export interface RepositoriesCursor {
  readonly v: 1;
  /** id → `PROJECT/slug` (to find deleted repositories). */
  readonly known: Readonly<Record<string, string>>;
  /** id → configured default branch (full ref) of repositories whose branch has no tip (empty, or not created). */
  readonly configured?: Readonly<Record<string, string>> | undefined;
}

type Context = PartitionContext<any, RepositoriesCursor, DataCenterConfig>;

/** Default-branch reads in flight at once (the client's own limit still applies). */
const HEAD_READS_IN_FLIGHT = 8;

/** One listing of repositories; `project` names the project of a per-project listing. */
interface RepositoryListing {
  readonly pages: PageListing<DcRepository>;
  readonly project?: string | undefined;
}

/**
 * The listings to read, lazily, each after the one before it was read to its end (so whether `GET /repos`
 * answered is known before the fallback is chosen).
 */
async function* repositoryListings(ctx: Context): AsyncGenerator<RepositoryListing> {
  const common = { limit: ctx.config.pageSize, context: { stream: ctx.stream }, signal: ctx.signal };
  // A project that does not exist (or is not visible) answers 404/401/403: reported, not fatal.
  const ofProject = (key: string): RepositoryListing => ({
    pages: pageListing<DcRepository>(ctx.client, { ...common, url: projectReposPath(key), expect: [401, 403, 404] }),
    project: key,
  });
  if (ctx.config.projects.length > 0) {
    for (const key of ctx.config.projects) yield ofProject(key);
    return;
  }
  const everything = pageListing<DcRepository>(ctx.client, { ...common, url: REPOS_PATH, expect: [403, 404] });
  yield { pages: everything };
  if (everything.answeredWith === undefined) return;
  ctx.logger.warn('GET /repos did not answer; listing repositories per project instead', { status: everything.answeredWith });
  for await (const project of listing<DcProject>(ctx.client, { ...common, url: PROJECTS_PATH })) yield ofProject(project.key);
}

export const repositoriesStream: StreamDefinition<any, RepositoriesCursor, DataCenterConfig> = {
  name: 'repositories',
  outputs: [OUTPUTS.repositories],
  scope: 'workspace',
  providesPartitions: true,
  requires: 'REPO_READ',
  async read(ctx: Context): Promise<RepositoriesCursor> {
    const selected = repositorySelector(ctx.config);
    const seen: Record<string, string> = {};
    const configured: Record<string, string> = {};
    // Repositories a committed cursor names. One that is not named yet is first committed as known (before its
    // record is written or its partition provided, whose streams may write while the listing goes on): a kill
    // before this stream's end would otherwise leave records durable that no cursor remembers, so the
    // repository's deletion would never be confirmed, and they would stay in the merged dataset forever.
    const remembered: Record<string, string> = { ...ctx.cursor?.known };
    for await (const { pages, project } of repositoryListings(ctx)) {
      for await (const page of pages) {
        const repositories = page.items.filter((repository) => {
          const key = String(repository.id);
          if (!selected(repositoryName(repository)) || key in seen) return false;
          seen[key] = repositoryName(repository);
          return true;
        });
        const fresh = repositories.filter((repository) => !(String(repository.id) in remembered));
        if (fresh.length > 0) {
          for (const repository of fresh) remembered[String(repository.id)] = repositoryName(repository);
          await ctx.checkpoint({ v: 1, known: { ...remembered }, configured: { ...ctx.cursor?.configured, ...configured } });
        }
        const heads = await mapConcurrently(repositories, HEAD_READS_IN_FLIGHT, (repository) => readHead(ctx, repository));
        for (const [position, repository] of repositories.entries()) {
          const head = heads[position];
          if (head !== undefined && head.kind !== 'branch' && head.branch !== undefined) configured[String(repository.id)] = head.branch;
          if (ctx.wants('repositories')) await ctx.record('repositories', { ...repository, ...defaultBranchFields(head) });
          ctx.provide(repositoryPartition(repository, head));
        }
      }
      if (pages.answeredWith !== undefined && project !== undefined) {
        ctx.logger.warn('Project could not be listed', { project, status: pages.answeredWith });
        ctx.absence(`repositories of project ${project}`, pages.answeredWith);
      }
    }
    const known: Record<string, string> = { ...seen };
    for (const [key, name] of Object.entries(ctx.cursor?.known ?? {})) {
      if (key in seen || !selected(name)) continue;
      const { projectKey, slug } = repositoryRef({ key, name });
      if (await confirmedGone(ctx, repositoryPath(projectKey, slug), name)) await ctx.deleted('repositories', key);
    }
    return { v: 1, known, configured };
  },
};

/** The repository's default branch and tip, when its record is wanted; undefined otherwise or when unreadable. */
async function readHead(ctx: Context, repository: DcRepository): Promise<RepositoryHead | undefined> {
  const key = String(repository.id);
  if (!ctx.wants('repositories')) return undefined;
  const name = repositoryName(repository);
  try {
    return await readRepositoryHead(
      { projectKey: repository.project.key, slug: repository.slug },
      {
        client: ctx.client,
        context: { stream: ctx.stream, repository: name },
        signal: ctx.signal,
        now: ctx.clock.now(),
        configured: ctx.cursor?.configured?.[key],
      },
    );
  } catch (error) {
    // One unreadable repository must not stop discovery: its `commits` partition reads (and reports) it.
    if (isBbsyncError(error) && error.disposition === 'skippable') {
      ctx.logger.warn('Could not read the default branch', { repository: name, code: error.code, status: error.status });
      return undefined;
    }
    throw error;
  }
}
