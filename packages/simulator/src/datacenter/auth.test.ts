import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';

let dc: StartedDc;
beforeAll(async () => {
  dc = await startDc();
});
afterAll(() => dc.close());

const AUTHORISATION = 'com.atlassian.bitbucket.AuthorisationException';

describe('authentication', () => {
  it('accepts Basic password, Basic personal token, and Bearer tokens', async () => {
    for (const name of ['admin', 'user', 'userToken', 'bearerPersonal', 'projectToken', 'repoToken']) {
      const { status, body } = await dc.get('/repos?limit=1', name);
      expect({ name, status }).toEqual({ name, status: 200 });
      expect(body.values.length).toBe(1);
    }
  });

  it('sends X-AUSERNAME / X-AUSERID / X-AREQUESTID for users', async () => {
    const { headers } = await dc.get('/repos?limit=1', 'user');
    expect(headers.get('x-ausername')).toBe(dc.sim.handle.credentials['user']!.config.username);
    expect(headers.get('x-auserid')).toMatch(/^\d+$/);
    expect(headers.get('x-arequestid')).toBeTruthy();
  });

  it('answers 401 with a RestErrors body for bad credentials', async () => {
    for (const name of ['wrongPassword', 'revokedToken']) {
      const { status, body } = await dc.get('/repos', name);
      expect(status).toBe(401);
      expect(body).toEqual({ errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: AUTHORISATION }] });
    }
  });

  it('rejects project and repository tokens as a Basic password', async () => {
    const user = dc.sim.handle.credentials['user']!.config.username!;
    const token = dc.sim.handle.credentials['projectToken']!.config.accessToken!;
    const { status } = await dc.get('/repos', { description: 'x', config: { username: user, password: token }, scopes: [] });
    expect(status).toBe(401);
  });

  it('answers 401 (not 403) for a missing permission, told apart only by the message', async () => {
    const truth = dc.sim.handle.groundTruth();
    const repoToken = dc.sim.handle.credentials['repoToken']!;
    const visible = await dc.get('/repos?limit=100', 'repoToken');
    expect(visible.body.values).toHaveLength(1);
    const other = truth.repositories.find((r) => r.id !== visible.body.values[0].id)!;
    const { status, body } = await dc.get(`/projects/${other.project.key}/repos/${other.slug}`, repoToken);
    expect(status).toBe(401);
    expect(body.errors[0].exceptionName).toBe(AUTHORISATION);
    expect(body.errors[0].message).not.toMatch(/Authentication failed/);
  });

  it('project and repository tokens cannot call /users; user credentials can', async () => {
    for (const name of ['projectToken', 'repoToken']) {
      const { status, body } = await dc.get('/users', name);
      expect(status).toBe(401);
      expect(body.errors[0].exceptionName).toBe(AUTHORISATION);
    }
    const users = await dc.get('/users?limit=100', 'userToken');
    expect(users.status).toBe(200);
    expect(users.body.values.length).toBe(dc.sim.handle.groundTruth().users.length);
  });

  it('a personal token without read permissions sees nothing', async () => {
    const { body } = await dc.get('/repos', 'noRepoReadToken');
    expect(body.values).toEqual([]);
  });

  it('a project token sees its project only', async () => {
    const { body } = await dc.get('/projects?limit=100', 'projectToken');
    expect(body.values.map((p: { key: string }) => p.key)).toEqual([dc.sim.handle.credentials['projectToken']!.scopes[1]!.replace('project:', '')]);
  });

  it('anonymous callers see no projects and cannot read repositories', async () => {
    expect((await dc.get('/projects', null)).body.values).toEqual([]);
    const repo = dc.sim.handle.groundTruth().repositories[0]!;
    expect((await dc.get(`/projects/${repo.project.key}/repos/${repo.slug}`, null)).status).toBe(401);
  });

  it('missing things are 404 with the NoSuch* exceptions', async () => {
    expect((await dc.get('/projects/NOPE/repos')).body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.project.NoSuchProjectException');
    const repo = dc.sim.handle.groundTruth().repositories[0]!;
    expect((await dc.get(`/projects/${repo.project.key}/repos/nope`)).body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.repository.NoSuchRepositoryException');
    const pr = await dc.get(`/projects/${repo.project.key}/repos/${repo.slug}/pull-requests/9999`);
    expect(pr.status).toBe(404);
    expect(pr.body.errors[0].message).toBe(`Pull request 9999 does not exist in ${repo.project.key}/${repo.slug}.`);
  });

  it('logs and counts requests per endpoint template, credential and status', async () => {
    dc.sim.handle.resetCounters();
    await dc.get('/repos', 'user');
    await dc.get('/repos', 'wrongPassword');
    await dc.get('/users', 'projectToken');
    const counters = dc.sim.handle.counters();
    expect(counters.total).toBe(3);
    expect(counters.byEndpoint).toEqual({ '/repos': 2, '/users': 1 });
    expect(counters.byCredential).toEqual({ user: 1, invalid: 1, projectToken: 1 });
    expect(counters.byStatus).toEqual({ '200': 1, '401': 2 });
    const log = dc.sim.handle.requestLog();
    expect(log[0]).toMatchObject({ api: 'datacenter', method: 'GET', path: '/repos', status: 200, credential: 'user', endpoint: '/repos' });
    expect(JSON.stringify(log)).not.toContain(dc.sim.handle.credentials['projectToken']!.config.accessToken!);
  });

  it('serves the same API under rest/api/latest', async () => {
    const latest = await dc.get(`${dc.server.origin}/bitbucket/rest/api/latest/projects?limit=1`, 'user');
    expect(latest.body.nextPageStart).toBe(2);
  });
});
