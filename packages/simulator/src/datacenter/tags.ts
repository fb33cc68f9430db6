/**
 * Tags (`GET …/repos/{slug}/tags`, RestTag: `id` refs/tags/…, `displayId`, `type: TAG`, `latestCommit`, `hash`).
 * A tag names a commit but not its date: clients look the commit up (`…/commits/{id}`) for it, as bbsync does.
 * Generated tags mark releases on each repository's default branch, oldest first: `v1.0.0`, `v1.1.0`, …, some
 * `release-YYYY.MM` and some that no release rule should match (`nightly-…`, `build-…`); half are annotated
 * (their `hash` is the tag object's, not the commit's).
 */
import { Rng } from '../rng.js';
import type { Dataset } from './dataset.js';
import { logRows } from './gitLog.js';
import { commitHash } from './hash.js';
import type { RepositoryRecord } from './model.js';

export interface TagRecord {
  /** Without `refs/tags/`. */
  readonly name: string;
  /** Commit row. */
  readonly commit: number;
  readonly annotated: boolean;
}

/** Tags of every repository, by repository index. */
export class TagStore {
  readonly #byRepository = new Map<number, TagRecord[]>();

  of(repository: RepositoryRecord): TagRecord[] {
    let list = this.#byRepository.get(repository.idx);
    if (list === undefined) this.#byRepository.set(repository.idx, (list = []));
    return list;
  }
}

/** Generates release tags on the default branches (after history generation; nothing else changes). */
export function generateTags(ds: Dataset): void {
  for (const repository of ds.repositories) {
    const tip = ds.defaultTip(repository);
    if (tip < 0) continue;
    const rng = new Rng(ds.seed ^ (repository.id * 0x9e3779b1));
    const mainline = logRows(ds, repository, tip, -1).reverse();
    const tags = ds.tags.of(repository);
    let minor = 0;
    for (let k = 3; k < mainline.length; k += rng.int(3, 7)) {
      const row = mainline[k] as number;
      const date = new Date(ds.commits.commitTime.get(row));
      const r = rng.next();
      const name = r < 0.6 ? `v1.${minor++}.0` : r < 0.8 ? `release-${date.toISOString().slice(0, 7).replace('-', '.')}-${k}` : r < 0.9 ? `nightly-${k}` : `build-${k}`;
      tags.push({ name, commit: row, annotated: rng.chance(0.5) });
    }
  }
}

/** The tag object's hash of an annotated tag (distinct from every commit id). */
function tagObjectHash(ds: Dataset, repository: RepositoryRecord, name: string): string {
  let salt = repository.id;
  for (let i = 0; i < name.length; i++) salt = Math.imul(salt ^ name.charCodeAt(i), 0x01000193);
  return commitHash(ds.seed ^ 0x7a9, salt >>> 0);
}

export function renderTag(ds: Dataset, repository: RepositoryRecord, tag: TagRecord): Record<string, unknown> {
  const commit = ds.commits.hash(tag.commit);
  return {
    id: `refs/tags/${tag.name}`,
    displayId: tag.name,
    type: 'TAG',
    latestCommit: commit,
    latestChangeset: commit,
    hash: tag.annotated ? tagObjectHash(ds, repository, tag.name) : commit,
  };
}

/** Live tags (their commit still exists) in `MODIFICATION` order (newest commit first) or `ALPHABETICAL`. */
export function orderedTags(ds: Dataset, repository: RepositoryRecord, orderBy: 'ALPHABETICAL' | 'MODIFICATION'): TagRecord[] {
  const tags = ds.tags.of(repository).filter((tag) => ds.commits.alive.get(tag.commit) === 1);
  return tags.sort((a, b) => {
    if (orderBy === 'ALPHABETICAL') return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    return ds.commits.commitTime.get(b.commit) - ds.commits.commitTime.get(a.commit) || (a.name < b.name ? 1 : -1);
  });
}
