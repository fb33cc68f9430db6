/**
 * Data Center fidelity points a real client relied on: fork pull requests, inline comments (anchor + diff),
 * `avatarSize`, `markup=true`, MERGED parents as full commits, repository descriptions, comment deletions, and
 * the permissions, diff and changes endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';
import type { DataCenterTruth } from './types.js';

let dc: StartedDc;
let truth: DataCenterTruth;
let repo: DataCenterTruth['repositories'][number];
let base: string;
beforeAll(async () => {
  dc = await startDc();
  truth = dc.sim.handle.groundTruth();
  repo = truth.repositories.filter((r) => (truth.pullRequests[r.id] ?? []).length >= 5).sort((a, b) => a.id - b.id)[0]!;
  base = `/projects/${repo.project.key}/repos/${repo.slug}`;
});
afterAll(() => dc.close());

const allActivities = (): { action: string; [k: string]: any }[] => Object.values(truth.activities).flat() as never;

describe('generated data', () => {
  it('has fork pull requests: fromRef.repository is a personal fork whose origin is the target repository', () => {
    const prs = Object.values(truth.pullRequests).flat();
    const forks = prs.filter((p) => p.fromRef.repository.id !== p.toRef.repository.id);
    expect(forks.length).toBeGreaterThan(0);
    for (const pr of forks) {
      const from = pr.fromRef.repository as { origin?: { id: number }; project: { type: string; key: string } };
      expect(from.origin?.id).toBe(pr.toRef.repository.id);
      expect(from.project.type).toBe('PERSONAL');
      expect(from.project.key.startsWith('~')).toBe(true);
    }
  });

  it('has RESCOPED items with full added commits, REVIEWED and UNAPPROVED, replies and edits', () => {
    const activities = allActivities();
    const actions = new Set(activities.map((a) => a.action));
    for (const action of ['OPENED', 'RESCOPED', 'REVIEWED', 'APPROVED', 'UNAPPROVED', 'MERGED', 'DECLINED', 'COMMENTED', 'UPDATED']) expect(actions, action).toContain(action);
    const rescoped = activities.find((a) => a.action === 'RESCOPED' && a.added.commits.length > 0);
    const commit = rescoped?.added.commits[0];
    expect(Object.keys(commit).sort()).toEqual(['author', 'authorTimestamp', 'committer', 'committerTimestamp', 'displayId', 'id', 'message', 'parents']);
    expect(activities.some((a) => a.action === 'COMMENTED' && a.comment?.comments?.length > 0)).toBe(true);
    expect(activities.some((a) => a.action === 'COMMENTED' && a.commentAction === 'EDITED' && typeof a.previousCommentText === 'string')).toBe(true);
  });

  it('has inline comments: COMMENTED items with commentAnchor (path, line, lineType, fileType) and the diff around the line', () => {
    const inline = allActivities().filter((a) => a.action === 'COMMENTED' && a.commentAnchor);
    expect(inline.length).toBeGreaterThan(0);
    for (const a of inline) {
      expect(typeof a.commentAnchor.path).toBe('string');
      expect(a.commentAnchor.line).toBeGreaterThan(0);
      expect(['ADDED', 'CONTEXT', 'REMOVED']).toContain(a.commentAnchor.lineType);
      expect(['FROM', 'TO']).toContain(a.commentAnchor.fileType);
      expect(a.commentAnchor.fromHash).toMatch(/^[0-9a-f]{40}$/);
      expect(a.diff.destination.toString).toBe(a.commentAnchor.path);
      const lines = a.diff.hunks.flatMap((h: any) => h.segments.flatMap((s: any) => s.lines.map((l: any) => l.destination)));
      expect(lines).toContain(a.commentAnchor.line);
    }
    // Replies are never anchored on their own.
    expect(inline.every((a) => a.comment.parent === undefined)).toBe(true);
  });

  it('MERGED items carry the merge commit with full parents (author, committer, message, timestamps)', () => {
    const merged = allActivities().filter((a) => a.action === 'MERGED' && a.commit);
    expect(merged.length).toBeGreaterThan(0);
    for (const a of merged) for (const parent of a.commit.parents) expect(Object.keys(parent)).toEqual(expect.arrayContaining(['author', 'committer', 'message', 'authorTimestamp', 'committerTimestamp']));
  });

  it('some repositories have a description', () => {
    expect(truth.repositories.some((r) => typeof (r as { description?: string }).description === 'string')).toBe(true);
  });
});

describe('request options', () => {
  it('avatarSize adds avatarUrl to users, authors, reviewers and activity users', async () => {
    const prs = (await dc.get(`${base}/pull-requests?state=ALL&limit=100&avatarSize=48`)).body.values;
    for (const pr of prs) {
      expect(pr.author.user.avatarUrl).toMatch(/s=48/);
      for (const reviewer of pr.reviewers) expect(reviewer.user.avatarUrl).toMatch(/s=48/);
    }
    const id = prs[0].id;
    const activities = (await dc.get(`${base}/pull-requests/${id}/activities?avatarSize=32`)).body.values;
    for (const a of activities) expect(a.user.avatarUrl).toMatch(/s=32/);
    const commits = (await dc.get(`${base}/commits?avatarSize=24&limit=5`)).body.values;
    for (const c of commits) expect(c.author.avatarUrl).toMatch(/s=24/);
    const plain = (await dc.get(`${base}/pull-requests?state=ALL&limit=1`)).body.values[0];
    expect(plain.author.user.avatarUrl).toBeUndefined();
  });

  it('markup=true adds descriptionAsHtml and comment.html', async () => {
    const prs = (await dc.get(`${base}/pull-requests?state=ALL&limit=100&markup=true`)).body.values;
    const described = prs.find((p: { description?: string }) => p.description);
    expect(described.descriptionAsHtml).toContain('<p>');
    for (const pr of prs) {
      const activities = (await dc.get(`${base}/pull-requests/${pr.id}/activities?markup=true`)).body.values;
      for (const a of activities) if (a.comment) expect(a.comment.html).toContain('<p>');
    }
  });
});

describe('control: forks and comment deletions', () => {
  it('a pull request opened from a fork names the fork; its commits come from the pull request endpoint', async () => {
    const opened = await dc.control('openPullRequest', { projectKey: repo.project.key, slug: repo.slug, commits: 2, fromFork: true });
    expect(opened.status).toBe(200);
    expect(opened.body.fromRef.repository.origin.id).toBe(repo.id);
    const commits = (await dc.get(`${base}/pull-requests/${opened.body.id}/commits`)).body.values;
    expect(commits).toHaveLength(2);
    expect(commits[0].id).toBe(opened.body.fromRef.latestCommit);
  });

  it('deleting a comment: COMMENTED/DELETED, gone from the thread; not while it has replies', async () => {
    const opened = (await dc.control('openPullRequest', { projectKey: repo.project.key, slug: repo.slug })).body;
    const target = { projectKey: repo.project.key, slug: repo.slug, id: opened.id };
    const root = (await dc.control('commentPullRequest', { ...target, text: 'root' })).body;
    const reply = (await dc.control('commentPullRequest', { ...target, text: 'reply', replyTo: root.id })).body;
    expect((await dc.control('commentPullRequest', { ...target, delete: root.id })).status).toBe(409);
    expect((await dc.control('commentPullRequest', { ...target, delete: reply.id })).status).toBe(200);
    const activities = (await dc.get(`${base}/pull-requests/${opened.id}/activities`)).body.values;
    expect(activities[0]).toMatchObject({ action: 'COMMENTED', commentAction: 'DELETED', comment: { id: reply.id } });
    const rootActivity = activities.find((a: any) => a.commentAction === 'ADDED' && a.comment?.id === root.id);
    expect(rootActivity.comment.comments).toEqual([]);
  });
});

describe('endpoints', () => {
  it('GET /projects/{key}/permissions/users lists explicit project permissions (PROJECT_ADMIN only)', async () => {
    const answer = await dc.get(`/projects/${repo.project.key}/permissions/users`);
    expect(answer.status).toBe(200);
    for (const entry of answer.body.values) {
      expect(entry.permission).toBe('PROJECT_WRITE');
      expect(typeof entry.user.slug).toBe('string');
    }
    expect((await dc.get(`/projects/${repo.project.key}/permissions/users`, 'user')).status).toBe(401);
  });

  it('GET /users/{slug}: the user, 404 once removed', async () => {
    const { user } = dc.sim.handle.control.addUser({ slug: 'leaver' });
    expect((await dc.get(`/users/${user.slug}`)).body.id).toBe(user.id);
    dc.sim.handle.control.removeUser({ slug: 'leaver' });
    const gone = await dc.get('/users/leaver');
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.user.NoSuchUserException');
  });

  it('the pull request diff: .diff (text), /diff (JSON) and /changes agree on the files', async () => {
    const pr = (truth.pullRequests[repo.id] ?? [])[0]!;
    const text = await dc.get(`${base}/pull-requests/${pr.id}.diff`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/text\/plain/);
    const textFiles = [...text.text.matchAll(/^\+\+\+ dst:\/\/(.+)$/gm)].map((m) => m[1]);
    const json = (await dc.get(`${base}/pull-requests/${pr.id}/diff`)).body;
    expect(json.diffs.map((d: any) => d.destination.toString)).toEqual(textFiles);
    const changes = (await dc.get(`${base}/pull-requests/${pr.id}/changes`)).body;
    expect(changes.values.map((c: any) => c.path.toString)).toEqual(textFiles);
    expect(textFiles.length).toBeGreaterThan(0);
    for (const c of changes.values) expect(['ADD', 'MODIFY']).toContain(c.type);
    expect((await dc.get(`${base}/pull-requests/99999.diff`)).status).toBe(404);
  });
});
