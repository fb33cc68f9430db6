import type { SimClock } from '../clock.js';
import { CommitStore, PullRequestStore, type ProjectRecord, type RepositoryRecord, type UserRecord } from './model.js';
import { TagStore } from './tags.js';

/** Activity and comment ids of derived pull requests are `row * ID_STRIDE + k`, so they are unique without storage. */
export const ID_STRIDE = 128;

/** Everything the Data Center simulator serves, plus lookups. Mutated only by generation and the control API. */
export class Dataset {
  readonly users: UserRecord[] = [];
  readonly projects: ProjectRecord[] = [];
  readonly repositories: RepositoryRecord[] = [];
  readonly commits: CommitStore;
  readonly pullRequests = new PullRequestStore();
  /** Tags per repository (./tags.ts). */
  readonly tags = new TagStore();
  /** Pull request rows below this are derived from the seed; rows above were created by the control API. */
  generatedPullRequests = 0;
  /** Users that existed at generation: derived records only ever name these, so adding users shifts nothing. */
  generatedUsers = 0;
  /** Next ids for records created through the control API (above every derived id). */
  nextActivityId = 0;
  nextCommentId = 0;
  #projectOrder: ProjectRecord[] | undefined;
  #repoOrder = new Map<number, RepositoryRecord[]>();

  constructor(
    readonly seed: number,
    readonly clock: SimClock,
  ) {
    this.commits = new CommitStore(seed);
  }

  /** Call after generation: fixes the id counters above every derived id. */
  sealGeneration(): void {
    this.generatedPullRequests = this.pullRequests.count;
    this.generatedUsers = this.users.length;
    this.nextActivityId = (this.generatedPullRequests + 1) * ID_STRIDE + 1;
    this.nextCommentId = this.nextActivityId;
  }

  /** Drops cached orderings after a structural change. */
  invalidate(): void {
    this.#projectOrder = undefined;
    this.#repoOrder.clear();
  }

  project(key: string): ProjectRecord | undefined {
    const upper = key.toUpperCase();
    return this.projects.find((p) => !p.deleted && p.key === upper);
  }

  repository(projectKey: string, slug: string): RepositoryRecord | undefined {
    const project = this.project(projectKey);
    if (!project) return undefined;
    const lower = slug.toLowerCase();
    return this.repositoriesOf(project).find((r) => r.slug === lower);
  }

  user(slug: string): UserRecord | undefined {
    const lower = slug.toLowerCase();
    return this.users.find((u) => !u.deleted && u.slug === lower);
  }

  /** Live projects ordered by name, as `/projects` lists them. */
  orderedProjects(): readonly ProjectRecord[] {
    this.#projectOrder ??= this.projects.filter((p) => !p.deleted).sort((a, b) => compareText(a.name, b.name) || a.id - b.id);
    return this.#projectOrder;
  }

  /** Live repositories of a project ordered by name. */
  repositoriesOf(project: ProjectRecord): readonly RepositoryRecord[] {
    let list = this.#repoOrder.get(project.idx);
    if (!list) {
      list = this.repositories.filter((r) => !r.deleted && r.projectIdx === project.idx).sort((a, b) => compareText(a.name, b.name) || a.id - b.id);
      this.#repoOrder.set(project.idx, list);
    }
    return list;
  }

  /** Tip row of the configured default branch, or -1 when that branch does not exist. */
  defaultTip(repository: RepositoryRecord): number {
    return repository.branches.get(repository.defaultBranch) ?? -1;
  }
}

/** Case-insensitive ordering as Bitbucket lists names. */
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
