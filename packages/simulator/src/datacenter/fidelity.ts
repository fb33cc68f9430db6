/**
 * Data Center details derived on demand from immutable numbers (seed, ids, commit rows), never from an Rng,
 * so they add nothing to the generated sequence and never move: which pull requests come from forks, which
 * root comments are inline (file and line) and where, the files a commit changes, repository descriptions.
 */
import type { Dataset } from './dataset.js';
import { hashInts, unitFrom } from './hash.js';
import type { CommentRecord, PullRequestRecord, RepositoryRecord } from './model.js';

export const FILE_PATHS = [
  'src/main/java/com/acme/App.java', 'src/main/java/com/acme/billing/Invoice.java', 'src/index.ts', 'src/api/client.ts',
  'src/api/retry.ts', 'src/db/migrations/0042_add_index.sql', 'README.md', 'pom.xml', 'package.json', 'docs/architecture.md',
  'src/ui/Button.tsx', 'src/ui/forms/Field.tsx', 'scripts/deploy.sh', 'config/application.yml', 'test/api/client.test.ts',
] as const;

/** About one pull request in eleven comes from a fork (the author's personal copy of the repository). */
export function isForkPullRequest(ds: Dataset, pr: PullRequestRecord): boolean {
  return pr.fromFork ?? hashInts(ds.seed, pr.row, 0xf02c) % 11 === 3;
}

/** The id of the personal fork a fork pull request comes from (ids above every generated repository's). */
export function forkRepositoryId(pr: PullRequestRecord): number {
  return 1_000_000 + pr.repo * 1000 + (pr.author % 1000);
}

export interface CommentAnchor {
  readonly path: string;
  readonly line: number;
  readonly lineType: 'ADDED' | 'CONTEXT' | 'REMOVED';
  readonly fileType: 'FROM' | 'TO';
}

/** Where an inline root comment sits (about two in five root comments), or undefined for a general comment. */
export function commentAnchor(ds: Dataset, comment: CommentRecord): CommentAnchor | undefined {
  if (comment.parentId !== undefined) return undefined;
  const h = hashInts(ds.seed, comment.id, 0xa7c0);
  if (h % 5 >= 2) return undefined;
  const lineType = (['ADDED', 'CONTEXT', 'REMOVED'] as const)[(h >>> 4) % 3] as CommentAnchor['lineType'];
  return { path: FILE_PATHS[(h >>> 8) % FILE_PATHS.length] as string, line: 1 + ((h >>> 12) % 300), lineType, fileType: lineType === 'REMOVED' ? 'FROM' : 'TO' };
}

export interface FileChange {
  readonly path: string;
  readonly added: number;
  readonly removed: number;
  readonly type: 'ADD' | 'MODIFY';
}

/** The files commit `row` changes: 1-3 paths with line counts. */
export function commitFileChanges(ds: Dataset, row: number): FileChange[] {
  const h = hashInts(ds.seed, row, 0xd1ff);
  const out: FileChange[] = [];
  for (let k = 0; k <= h % 3; k++) {
    const x = hashInts(h, k);
    const path = FILE_PATHS[x % FILE_PATHS.length] as string;
    if (out.some((c) => c.path === path)) continue;
    const type = x % 7 === 0 ? 'ADD' : 'MODIFY';
    out.push({ path, added: 1 + ((x >>> 8) % 40), removed: type === 'ADD' ? 0 : (x >>> 16) % 20, type });
  }
  return out;
}

/** The files a pull request changes (its commits' changes, summed per path), sorted by path. */
export function pullRequestFileChanges(ds: Dataset, pr: PullRequestRecord): FileChange[] {
  const byPath = new Map<string, { added: number; removed: number; type: 'ADD' | 'MODIFY' }>();
  for (const row of pr.commits) {
    for (const change of commitFileChanges(ds, row)) {
      const entry = byPath.get(change.path) ?? { added: 0, removed: 0, type: change.type };
      entry.added += change.added;
      entry.removed += change.removed;
      byPath.set(change.path, entry);
    }
  }
  return [...byPath.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, e]) => ({ path, ...e }));
}

/** A repository's description (about two in three have one). */
export function repositoryDescription(ds: Dataset, r: RepositoryRecord): string | undefined {
  return unitFrom(ds.seed, r.id, 0xde5c) < 0.66 ? `The ${r.name.replace(/-/g, ' ')} service.` : undefined;
}

/** Minimal markdown to HTML for `markup=true` (paragraphs, escaped). */
export function markupHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped.split(/\n{2,}/).map((para) => `<p>${para.replace(/\n/g, '<br />\n')}</p>`).join('\n');
}
