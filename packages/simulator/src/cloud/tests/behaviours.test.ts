/**
 * Cloud behaviours a real client relies on (issue: the simulator diverged where a real client looked):
 * state filters inside `q`, activity `update` items, the change-request key, workspace discovery after
 * CHANGE-2770/3022, and pull request diffstats. Each expectation names its source in the simulator README.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';
import { cloudSchemaErrors } from '../../test-support/cloud-schemas.js';

let sim: Simulator;
let client: CloudClient;
let slug: string;
let uuid: string;

beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 5, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
  const repo = sim.cloud.groundTruth().repositories[0] as { slug: string; uuid: string };
  slug = repo.slug;
  uuid = repo.uuid;
});
afterAll(() => sim.close());

const idsOf = (state: string): number[] =>
  (sim.cloud.groundTruth().pullrequests[uuid] ?? [])
    .filter((p) => p['state'] === state)
    .map((p) => p['id'] as number)
    .sort((a, b) => a - b);

describe('pull request state filters', () => {
  it('q=state="MERGED" returns the merged pull requests (the OPEN default does not apply)', async () => {
    const merged = idsOf('MERGED');
    expect(merged.length).toBeGreaterThan(0);
    const got = await client.all(`/repositories/acme/${slug}/pullrequests?q=${encodeURIComponent('state="MERGED"')}&pagelen=50`);
    expect(got.values.map((p) => p.id as number).sort((a, b) => a - b)).toEqual(merged);
  });

  it('any q term naming state lifts the default; state= still narrows; no state at all means OPEN', async () => {
    const q = encodeURIComponent('state = "DECLINED" OR state = "SUPERSEDED"');
    const got = await client.all(`/repositories/acme/${slug}/pullrequests?q=${q}&pagelen=50`);
    expect(got.values.map((p) => p.id as number).sort((a, b) => a - b)).toEqual([...idsOf('DECLINED'), ...idsOf('SUPERSEDED')].sort((a, b) => a - b));
    const narrowed = await client.all(`/repositories/acme/${slug}/pullrequests?state=OPEN&q=${encodeURIComponent('state="MERGED"')}&pagelen=50`);
    expect(narrowed.values).toEqual([]);
    const plain = await client.all(`/repositories/acme/${slug}/pullrequests?q=${encodeURIComponent('id > 0')}&pagelen=50`);
    expect(plain.values.map((p) => p.id as number).sort((a, b) => a - b)).toEqual(idsOf('OPEN'));
  });
});

describe('activity', () => {
  it('update items carry `changes` ({} when nothing changed) and `reviewers`; a retitle names the old and new title', async () => {
    const id = sim.cloud.control.openPullRequest(slug, { title: 'Before', reviewers: [1] });
    sim.advance(1000);
    sim.cloud.control.updatePullRequest(slug, id, { title: 'After' });
    const items = (await client.all(`/repositories/acme/${slug}/pullrequests/${id}/activity?pagelen=50`)).values;
    const updates = items.filter((item) => item.update).map((item) => item.update);
    expect(updates).toHaveLength(2);
    const [retitle, opened] = updates;
    expect(opened.changes).toEqual({});
    expect(retitle.changes).toEqual({ title: { old: 'Before', new: 'After' } });
    const reviewer = (sim.cloud.groundTruth().members[1]?.['user'] as { uuid: string }).uuid;
    for (const update of updates) expect(update.reviewers.map((r: { uuid: string }) => r.uuid)).toEqual([reviewer]);
  });

  it('change requests use `changes_request` by default and `changes_requested` under the switch', async () => {
    const id = sim.cloud.control.openPullRequest(slug, { title: 'Needs work' });
    sim.cloud.control.requestChanges(slug, id, 2);
    const keysOf = async (): Promise<string[]> =>
      (await client.all(`/repositories/acme/${slug}/pullrequests/${id}/activity`)).values.flatMap((item) => Object.keys(item).filter((k) => k.startsWith('changes')));
    expect(await keysOf()).toEqual(['changes_request']);
    sim.cloud.control.setSwitches({ cloudChangesRequestKey: 'changes_requested' });
    try {
      expect(await keysOf()).toEqual(['changes_requested']);
      const truth = sim.cloud.groundTruth().activity[`${uuid}#${id}`] ?? [];
      expect(truth.some((item) => 'changes_requested' in item)).toBe(true);
    } finally {
      sim.cloud.control.setSwitches({ cloudChangesRequestKey: 'changes_request' });
    }
  });
});

describe('workspace discovery (CHANGE-2770, CHANGE-3022)', () => {
  it('GET /workspaces/{workspace} answers 200 with the workspace, 404 for another', async () => {
    const ws = await client.get('/workspaces/acme');
    expect(ws.status).toBe(200);
    expect(cloudSchemaErrors('workspace', ws.json)).toEqual([]);
    expect(ws.json.slug).toBe('acme');
    // Any credential may call it (spec security: oauth2 with no scope).
    const repoToken = await new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['repoToken']).get('/workspaces/acme');
    expect(repoToken.status).toBe(200);
    const other = await client.get('/workspaces/nope');
    expect(other.status).toBe(404);
    expect(other.json.error.message).toBe("No workspace with identifier 'nope'.");
  });

  it('the cross-workspace listings answer 410 Gone', async () => {
    for (const path of ['/workspaces', '/repositories', '/user/permissions/workspaces', '/user/permissions/repositories']) {
      const response = await client.get(path);
      expect(response.status, path).toBe(410);
      expect(response.json.error.message, path).toBe('CHANGE-2770 - Functionality has been deprecated');
      expect(cloudSchemaErrors('error', response.json)).toEqual([]);
    }
  });

  it('GET /user/workspaces lists memberships (values[].workspace)', async () => {
    const api = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['apiToken']);
    const page = await api.get('/user/workspaces');
    expect(page.status).toBe(200);
    expect(cloudSchemaErrors('paginated_workspace_access', page.json)).toEqual([]);
    expect(page.json.values.map((v: { workspace: { slug: string } }) => v.workspace.slug)).toEqual(['acme']);
    expect(page.json.values[0].administrator).toBe(true);
    expect((await api.get('/user/workspaces?administrator=false')).json.values).toEqual([]);
  });
});

describe('pull request diffstat', () => {
  it('redirects to the repository diffstat of the pull request, which lists files with lines added and removed', async () => {
    const id = sim.cloud.control.openPullRequest(slug, { title: 'Diff me', commits: 3 });
    const redirect = await fetch(`${sim.cloud.baseUrl}/repositories/acme/${slug}/pullrequests/${id}/diffstat`, {
      headers: { authorization: client.authorization as string },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') as string;
    expect(location).toMatch(new RegExp(`/repositories/acme/${slug}/diffstat/acme/${slug}:[0-9a-f]{12}%0D[0-9a-f]{12}\\?from_pullrequest_id=${id}`));
    const followed = await client.get(`/repositories/acme/${slug}/pullrequests/${id}/diffstat`);
    expect(followed.status).toBe(200);
    expect(cloudSchemaErrors('paginated_diffstats', followed.json)).toEqual([]);
    expect(followed.json.values.length).toBeGreaterThan(0);
    for (const file of followed.json.values) {
      expect(file.type).toBe('diffstat');
      expect(Number.isInteger(file.lines_added) && Number.isInteger(file.lines_removed)).toBe(true);
      expect(typeof file.new.path).toBe('string');
    }
    // A pull request's diffstat is stable when unrelated things happen.
    sim.cloud.control.pushCommits(slug, { count: 2 });
    expect((await client.get(location)).json).toEqual(followed.json);
  });
});

describe('pull requests from forks', () => {
  it('name the fork as source.repository; the fork\'s unmerged commits are not in the destination, but listed by the pull request', async () => {
    const all = Object.values(sim.cloud.groundTruth().pullrequests).flat();
    const forks = all.filter((p) => (p['source'] as { repository: { uuid: string } }).repository.uuid !== (p['destination'] as { repository: { uuid: string } }).repository.uuid);
    // Generated data has some (about one in eleven), in several states.
    expect(forks.length).toBeGreaterThan(2);
    const id = sim.cloud.control.openPullRequest(slug, { title: 'From a fork', commits: 2, fromFork: true });
    const pr = (await client.get(`/repositories/acme/${slug}/pullrequests/${id}`)).json;
    expect(pr.source.repository.uuid).not.toBe(pr.destination.repository.uuid);
    expect(pr.source.repository.full_name).not.toBe(pr.destination.repository.full_name);
    expect(cloudSchemaErrors('pullrequest', pr)).toEqual([]);
    const commits = (await client.all(`/repositories/acme/${slug}/pullrequests/${id}/commits`)).values;
    expect(commits).toHaveLength(2);
    expect(commits[0].hash.startsWith(pr.source.commit.hash)).toBe(true);
    for (const commit of commits) expect((await client.get(`/repositories/acme/${slug}/commit/${commit.hash}`)).status).toBe(404);
    expect((await client.get(`/repositories/acme/${slug}/refs/branches/${encodeURIComponent(pr.source.branch.name)}`)).status).toBe(404);
    // Merged, the commits are part of the destination's history.
    sim.cloud.control.mergePullRequest(slug, id);
    for (const commit of commits) expect((await client.get(`/repositories/acme/${slug}/commit/${commit.hash}`)).status).toBe(200);
  });
});

describe('comment edits and deletions', () => {
  it('an edit changes content and updated_on only; a deletion keeps the comment with deleted: true; the activity log gains nothing', async () => {
    const id = sim.cloud.control.openPullRequest(slug, { title: 'Edits' });
    const commentId = sim.cloud.control.commentOnPullRequest(slug, id, { text: 'first version' });
    const path = `/repositories/acme/${slug}/pullrequests/${id}`;
    const before = (await client.get(`${path}/comments`)).json.values[0];
    const activityBefore = (await client.all(`${path}/activity`)).values.length;
    const prBefore = (await client.get(path)).json.updated_on;
    sim.advance(60_000);
    sim.cloud.control.editComment(slug, id, commentId, { text: 'second version' });
    const edited = (await client.get(`${path}/comments`)).json.values[0];
    expect(edited.content.raw).toBe('second version');
    expect(edited.created_on).toBe(before.created_on);
    expect(edited.user).toEqual(before.user);
    expect(edited.updated_on > before.updated_on).toBe(true);
    expect(edited.deleted).toBe(false);
    const q = encodeURIComponent(`updated_on > "${before.updated_on}"`);
    expect((await client.get(`${path}/comments?q=${q}`)).json.values.map((c: { id: number }) => c.id)).toEqual([commentId]);
    sim.advance(60_000);
    sim.cloud.control.editComment(slug, id, commentId, { deleted: true });
    const deleted = (await client.get(`${path}/comments`)).json.values[0];
    expect(deleted.deleted).toBe(true);
    expect(deleted.updated_on > edited.updated_on).toBe(true);
    expect((await client.all(`${path}/activity`)).values).toHaveLength(activityBefore);
    expect((await client.get(path)).json.updated_on).toBe(prBefore);
  });
});
