/**
 * Contract tests: every endpoint's bodies (and error bodies) validate against the DC 9.2 spec's schemas, relaxed
 * as BITBUCKET.md prescribes (extra properties and nulls tolerated; types, enums and required fields checked).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaxSchema } from './contract/relax.js';
import { startDc, type StartedDc } from './testing.js';
import type { DataCenterTruth } from './types.js';

// ajv-formats is CommonJS: under nodenext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as FormatsPlugin;

interface SchemaFile {
  endpoints: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
}
const file = JSON.parse(readFileSync(new URL('./contract/dc-schemas.json', import.meta.url), 'utf8')) as SchemaFile;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({
  $id: 'dc.json',
  endpoints: relaxSchema(file.endpoints),
  components: { schemas: Object.fromEntries(Object.entries(file.components).map(([k, v]) => [k, relaxSchema(v)])) },
});

const pointer = (text: string): string => text.replace(/~/g, '~0').replace(/\//g, '~1');

/** Validates `body` against a component (`RestCommit`) or an endpoint response (`/projects` + status). */
function check(body: unknown, ref: string): void {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  const ok = validate(body);
  expect(ok ? [] : validate.errors, ref).toEqual([]);
}
const component = (name: string): string => `dc.json#/components/schemas/${name}`;
const endpoint = (template: string, status: number): string => {
  const statuses = file.endpoints[template];
  if (!statuses) throw new Error(`no endpoint ${template}`);
  // Error statuses the spec does not list for an endpoint still carry RestErrors.
  return statuses[String(status)] ? `dc.json#/endpoints/${pointer(template)}/${status}` : component('RestErrors');
};

const REPO = '/projects/{projectKey}/repos/{repositorySlug}';
const PR = `${REPO}/pull-requests/{pullRequestId}`;

let dc: StartedDc;
let truth: DataCenterTruth;
let repo: DataCenterTruth['repositories'][number];
let base: string;
beforeAll(async () => {
  dc = await startDc();
  truth = dc.sim.handle.groundTruth();
  repo = truth.repositories.filter((r) => (truth.pullRequests[r.id] ?? []).length >= 5).sort((a, b) => a.id - b.id)[0]!;
  base = `/projects/${repo.project.key}/repos/${repo.slug}`;
  // Exercise the control API so its records are validated too.
  const c = dc.sim.handle.control;
  const pr = c.openPullRequest({ projectKey: repo.project.key, slug: repo.slug, author: truth.users[2]!.slug, reviewers: [truth.users[1]!.slug], commits: 2 });
  c.commentPullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id, text: 'root' });
  c.updatePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id, pushCommits: 1, title: 'Renamed' });
  c.reviewPullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id, user: truth.users[1]!.slug, status: 'NEEDS_WORK' });
  c.mergePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id });
});
afterAll(() => dc.close());

async function expectValid(path: string, template: string, status = 200, credential = 'admin'): Promise<any> {
  const response = await dc.get(path, credential);
  expect(response.status, path).toBe(status);
  check(response.body, endpoint(template, status));
  return response.body;
}

describe('contract: success bodies', () => {
  it('projects and repositories', async () => {
    await expectValid('/projects', '/projects');
    await expectValid(`/projects/${repo.project.key}`, '/projects/{projectKey}');
    await expectValid(`/projects/${repo.project.key}/repos`, '/projects/{projectKey}/repos');
    await expectValid(base, REPO);
    await expectValid('/repos?limit=100', '/repos');
  });

  it('users (the spec types the page as one user: validate the envelope and each user)', async () => {
    const body = await dc.get('/users?limit=100');
    for (const user of body.body.values) check(user, component('RestApplicationUser'));
    expect(body.body).toMatchObject({ isLastPage: true, nextPageStart: null });
  });

  it('branches and default branches', async () => {
    await expectValid(`${base}/default-branch`, `${REPO}/default-branch`);
    await expectValid(`${base}/branches/default`, `${REPO}/branches/default`);
    await expectValid(`${base}/branches?details=true`, `${REPO}/branches`);
  });

  it('commits', async () => {
    const page = await expectValid(`${base}/commits?limit=100&withCounts=true`, `${REPO}/commits`);
    await expectValid(`${base}/commits/${page.values[0].id}`, `${REPO}/commits/{commitId}`);
  });

  it('every pull request, activity, commit and participant of a repository', async () => {
    const prs = await expectValid(`${base}/pull-requests?state=ALL&limit=100`, `${REPO}/pull-requests`);
    for (const pr of prs.values) {
      check(pr.fromRef, component('RestPullRequestRef'));
      await expectValid(`${base}/pull-requests/${pr.id}`, PR);
      const activities = await expectValid(`${base}/pull-requests/${pr.id}/activities?limit=500`, `${PR}/activities`);
      for (const a of activities.values) {
        if (a.comment) check(a.comment, component('RestComment'));
        if (a.commit) check(a.commit, component('RestCommit'));
        for (const c of [...(a.added?.commits ?? []), ...(a.removed?.commits ?? [])]) check(c, component('RestCommit'));
        for (const u of [...(a.addedReviewers ?? []), ...(a.removedReviewers ?? [])]) check(u, component('RestApplicationUser'));
      }
      await expectValid(`${base}/pull-requests/${pr.id}/commits`, `${PR}/commits`);
      await expectValid(`${base}/pull-requests/${pr.id}/participants`, `${PR}/participants`);
    }
    expect(prs.values.length).toBeGreaterThan(0);
  });

  it('fork pull requests, inline-comment activities, avatarSize and markup', async () => {
    const c = dc.sim.handle.control;
    const fork = c.openPullRequest({ projectKey: repo.project.key, slug: repo.slug, commits: 1, fromFork: true });
    await expectValid(`${base}/pull-requests/${fork.id}?avatarSize=48&markup=true`, PR);
    check((await dc.get(`${base}/pull-requests/${fork.id}`)).body.fromRef.repository.origin, component('RestRepository'));
    const prs = (await dc.get(`${base}/pull-requests?state=ALL&limit=100`)).body.values;
    let anchored = 0;
    for (const pr of prs) {
      const activities = await expectValid(`${base}/pull-requests/${pr.id}/activities?limit=500&avatarSize=32&markup=true`, `${PR}/activities`);
      for (const a of activities.values) {
        if (a.comment) check(a.comment, component('RestComment'));
        if (a.commit) check(a.commit, component('RestCommit'));
        if (a.diff) {
          check(a.diff, component('RestDiff'));
          anchored++;
        }
      }
    }
    expect(anchored).toBeGreaterThan(0);
  });

  it('project permissions, pull request diff and changes (the spec types the pages as one item: validate each)', async () => {
    await expectValid(`/projects/${repo.project.key}/permissions/users`, '/projects/{projectKey}/permissions/users');
    await expectValid(`/users/${truth.users[1]!.slug}`, '/users/{userSlug}');
    await expectValid('/users/nobody-here', '/users/{userSlug}', 404);
    const pr = (truth.pullRequests[repo.id] ?? [])[0]!;
    const diff = (await dc.get(`${base}/pull-requests/${pr.id}/diff`)).body;
    for (const file of diff.diffs) check(file, component('RestDiff'));
    const changes = (await dc.get(`${base}/pull-requests/${pr.id}/changes`)).body;
    expect(changes).toMatchObject({ isLastPage: true, nextPageStart: null });
    for (const change of changes.values) check(change, component('RestChange'));
  });
});

describe('contract: error bodies', () => {
  it('404, 401 and 400 bodies are RestErrors', async () => {
    await expectValid('/projects/NOPE', '/projects/{projectKey}', 404);
    await expectValid(`/projects/${repo.project.key}/repos/nope`, REPO, 404);
    await expectValid(`${base}/pull-requests/99999`, PR, 404);
    await expectValid(`${base}/commits?since=${'0'.repeat(40)}`, `${REPO}/commits`, 404);
    await expectValid(`${base}/commits/${'0'.repeat(40)}`, `${REPO}/commits/{commitId}`, 404);
    await expectValid(base, REPO, 401, 'wrongPassword');
    await expectValid('/users', '/users', 401, 'projectToken');
    await expectValid('/projects?permission=NOPE', '/projects', 400);
    await expectValid(`${base}/pull-requests?state=NOPE`, `${REPO}/pull-requests`, 400);
  });
});

describe('contract: the relaxed validator still bites', () => {
  it('rejects wrong types, unknown enum values and missing required fields', () => {
    const validate = ajv.getSchema(component('RestPullRequest'))!;
    expect(validate({ id: 1, state: 'SUPERSEDED' })).toBe(false);
    expect(validate({ id: '1' })).toBe(false);
    expect(validate({ id: 1, state: 'OPEN', extra: true, closedDate: null })).toBe(true);
    expect(ajv.getSchema(component('RestRepository'))!({ slug: 'x', project: { name: 'no key' } })).toBe(false);
  });
});
