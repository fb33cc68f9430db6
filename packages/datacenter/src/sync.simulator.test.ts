/**
 * The connector's streams against the Data Center simulator (real HTTP, the real client): full sync equals the
 * ground truth, scripted activity is caught up exactly under both NEWEST orders, nothing-changed runs cost at
 * most 2 requests per repository plus the listing page, expected absences are data, and records match the
 * published JSON Schemas.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '@bbsync/core';
import { DATA_CENTER_STREAM_NAMES } from './outputs.js';
import { startHarness, truthKeys, type Harness } from './test-support/harness.js';
import { loadSchema, validate } from './test-support/json-schema.js';
import { runDirect } from './test-support/direct-context.js';
import { usersStream, USERS_DEGRADED_WARNING } from './streams/users.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Keys written so far, per stream, restricted to repositories that still exist (see README: deleted repositories). */
function writtenKeys(h: Harness, truth: any): Record<string, string[]> {
  const live = new Set(truth.repositories.map((r: any) => String(r.id)));
  const result: Record<string, string[]> = {};
  for (const stream of DATA_CENTER_STREAM_NAMES) {
    const keys = [...(h.store.get(stream)?.keys() ?? [])];
    result[stream] = (['projects', 'repositories', 'users'].includes(stream) ? keys : keys.filter((key) => live.has(key.split(':')[0]))).sort();
  }
  return result;
}

function expectTruth(h: Harness): void {
  const truth = h.dc.groundTruth();
  const expected = truthKeys(truth);
  const written = writtenKeys(h, truth);
  for (const stream of DATA_CENTER_STREAM_NAMES) expect(written[stream], stream).toEqual([...(expected[stream] ?? [])].sort());
  // Latest versions, not just keys: every pull request as the server has it now.
  for (const [repositoryId, pullRequests] of Object.entries(truth.pullRequests as Record<string, any[]>)) {
    for (const pullRequest of pullRequests) {
      expect(h.store.get('pull_requests')?.get(`${repositoryId}:${pullRequest.id}`)?.updatedDate).toBe(pullRequest.updatedDate);
    }
  }
  for (const repository of truth.repositories) {
    expect(h.store.get('repositories')?.get(String(repository.id))?.defaultBranch).toBe(repository.defaultBranch);
  }
}

const selector = (repository: any) => ({ projectKey: repository.project.key, slug: repository.slug });

describe.each(['updated', 'created'] as const)('Data Center sync (NEWEST sorts by %s date)', (newestOrderBy) => {
  it('full sync equals the ground truth; scripted activity is caught up exactly; idle runs are cheap', async () => {
    const h = (harness = await startHarness({ newestOrderBy, config: { pageSize: 7 } }));
    await h.sync();
    expectTruth(h);

    const truth = h.dc.groundTruth();
    const withHistory = truth.repositories.filter((r: any) => (truth.commits[r.id]?.length ?? 0) > 6);
    const [pushed, rewritten, rewrittenKept, switched, deleted] = withHistory;
    const control = h.dc.control;
    const step = () => h.sim.advance(60_000);
    step();
    control.pushCommits({ ...selector(pushed), count: 3, merge: true });
    step();
    control.forcePush({ ...selector(rewritten), drop: 2, add: 1 });
    step();
    control.forcePush({ ...selector(rewrittenKept), drop: 2, add: 2, keepObjects: true });
    step();
    // A default branch switched to an older branch: nothing new to list, yet commits left the history.
    control.createBranch({ ...selector(switched), branch: 'older', from: truth.commits[switched.id][3].id });
    control.setDefaultBranch({ ...selector(switched), branch: 'older' });
    for (const repository of truth.repositories.filter((r: any) => (truth.pullRequests[r.id]?.length ?? 0) > 2).slice(0, 3)) {
      const pullRequests = [...truth.pullRequests[repository.id]].sort((a: any, b: any) => a.createdDate - b.createdDate);
      step();
      control.commentPullRequest({ ...selector(repository), id: pullRequests[0].id, text: 'a late comment on the oldest one' });
      const open = pullRequests.find((p: any) => p.state === 'OPEN');
      if (open !== undefined) {
        step();
        control.updatePullRequest({ ...selector(repository), id: open.id, title: 'renamed', pushCommits: 1 });
        step();
        control.approvePullRequest({ ...selector(repository), id: open.id, user: truth.users[0].slug });
      }
    }
    step();
    control.openPullRequest({ ...selector(pushed), title: 'new work' });
    step();
    control.deleteRepository(selector(deleted));

    await h.sync();
    expectTruth(h);
    expect(h.store.get('repositories')?.has(String(deleted.id))).toBe(false);

    h.dc.resetCounters();
    const { repositories } = await h.sync();
    const counters = h.dc.counters();
    // The listing pages (`limit=7` here: /repos takes 2 pages), then at most 2 requests per repository:
    // its default branch (which names the tip) and one newest-first pull request page.
    const listingPages = (counters.byEndpoint['/projects'] ?? 0) + (counters.byEndpoint['/users'] ?? 0) + (counters.byEndpoint['/repos'] ?? 0);
    expect(listingPages).toBe(1 + Math.ceil(h.dc.groundTruth().users.length / 7) + Math.ceil(repositories.length / 7));
    if (newestOrderBy === 'updated') {
      // NEWEST proven to sort by updated date: the pull request listing stops at the cursor on its first page.
      expect(counters.total - listingPages).toBeLessThanOrEqual(2 * repositories.length);
    } else {
      // Sorted by created date, an updated old pull request can be anywhere: the listing is read to its end,
      // one page per repository at the default `limit=1000`, ceil(pull requests / 7) pages here.
      const now = h.dc.groundTruth();
      const pages = repositories.reduce((sum, r) => sum + 1 + Math.max(1, Math.ceil((now.pullRequests[Number(r.key)]?.length ?? 0) / 7)), 0);
      expect(counters.total - listingPages).toBeLessThanOrEqual(pages);
    }
    expect(Object.keys(counters.byEndpoint).sort()).toEqual(
      ['/projects', '/projects/{projectKey}/repos/{repositorySlug}/branches/default', '/projects/{projectKey}/repos/{repositorySlug}/pull-requests', '/repos', '/users'],
    );
    expectTruth(h);
  });
});

describe('expected absences and degraded credentials', () => {
  it('records an empty repository (204) and gone pull request commits (404) as absences', async () => {
    const h = (harness = await startHarness());
    const empty = h.dc.control.createRepository({ projectKey: h.dc.groundTruth().projects[0].key, name: 'empty-one' });
    const truth = h.dc.groundTruth();
    const repository = truth.repositories.find((r: any) => (truth.pullRequests[r.id] ?? []).some((p: any) => p.state === 'OPEN'));
    const open = truth.pullRequests[repository.id].find((p: any) => p.state === 'OPEN');
    h.dc.control.mergePullRequest({ ...selector(repository), id: open.id });
    h.dc.control.updatePullRequest({ ...selector(repository), id: open.id, rewriteSource: true });
    await h.sync();
    expect(h.absences).toContain('commits:empty repository (no default branch commits):204');
    expect(h.absences).toContain(`pull_requests:pull request ${open.id} commits:404`);
    expect([...(h.store.get('commits')?.keys() ?? [])].some((key) => key.startsWith(`${empty.id}:`))).toBe(false);
    expectTruth(h);
  });

  it('degrades users for a project access token with a warning, not a failure', async () => {
    const h = (harness = await startHarness({ credential: 'projectToken' }));
    const logger = new MemoryLogger();
    const run = await runDirect({ definition: usersStream, client: h.client, config: h.config, partition: { key: '', name: 'workspace' }, logger });
    expect(run.records.size).toBe(0);
    expect(run.absences).toEqual([{ what: 'users (not visible to this credential)', status: 401 }]);
    expect(logger.entries.some((entry) => entry.level === 'warn' && entry.message === USERS_DEGRADED_WARNING)).toBe(true);
  });
});

describe('output schemas', () => {
  it('every synced record matches schemas/<stream>.json', async () => {
    const h = (harness = await startHarness());
    await h.sync();
    for (const stream of DATA_CENTER_STREAM_NAMES) {
      const schema = loadSchema(stream);
      const records = [...(h.store.get(stream)?.values() ?? [])];
      expect(records.length, stream).toBeGreaterThan(0);
      for (const record of records) expect(validate(schema, record), `${stream} ${JSON.stringify(record).slice(0, 200)}`).toEqual([]);
    }
  });
});
