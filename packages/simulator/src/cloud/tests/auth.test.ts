/** Authentication, scopes and rate limits as the real API applies them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';

let sim: Simulator;
const as = (name: string): CloudClient => new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials[name]);

beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 5 });
});
afterAll(() => sim.close());

describe('authentication', () => {
  it('accepts Bearer access tokens and Basic email + API token', async () => {
    for (const name of ['workspaceToken', 'apiToken', 'projectToken', 'repoToken']) {
      const response = await as(name).get('/repositories/acme');
      expect(response.status, name).toBe(200);
    }
    const response = await as('apiToken').get('/repositories/acme');
    expect(response.headers.get('x-credential-type')).toBe('api_token');
    expect(response.headers.get('x-accepted-oauth-scopes')).toBe('repository');
  });

  it('answers 401 with the error envelope for revoked, unknown and missing credentials, and app passwords', async () => {
    const revoked = await as('revoked').get('/repositories/acme');
    expect(revoked.status).toBe(401);
    expect(revoked.json.type).toBe('error');
    expect(typeof revoked.json.error.message).toBe('string');
    const anonymous = await new CloudClient(sim.cloud.baseUrl).get('/repositories/acme');
    expect(anonymous.status).toBe(401);
    const bogus = new CloudClient(sim.cloud.baseUrl);
    bogus.authorization = 'Bearer nope';
    expect((await bogus.get('/repositories/acme')).status).toBe(401);
    const appPassword = await as('appPassword').get('/repositories/acme');
    expect(appPassword.status).toBe(401);
    expect(appPassword.json.error.data.announcement_url).toMatch(/^https:/);
  });

  it('answers 403 without naming the missing scope', async () => {
    const slug = sim.cloud.control.repositories()[0];
    const denied = await as('noPipelines').get(`/repositories/acme/${slug}/pipelines`);
    expect(denied.status).toBe(403);
    expect(denied.json.type).toBe('error');
    expect(denied.text).not.toMatch(/pipeline/i);
    expect(denied.headers.get('x-accepted-oauth-scopes')).toBe('pipeline');
    expect((await as('readOnly').get(`/repositories/acme/${slug}/pullrequests`)).status).toBe(403);
    expect((await as('apiTokenNoPipelines').get(`/repositories/acme/${slug}/pipelines`)).status).toBe(403);
    expect((await as('workspaceToken').get(`/repositories/acme/${slug}/pipelines`)).status).toBe(200);
  });

  it('limits a repository access token to its repository', async () => {
    const client = as('repoToken');
    const list = await client.all('/repositories/acme');
    expect(list.values).toHaveLength(1);
    const [mine, other] = sim.cloud.control.repositories();
    expect(list.values[0].slug).toBe(mine);
    expect((await client.get(`/repositories/acme/${mine}/pullrequests`)).status).toBe(200);
    expect((await client.get(`/repositories/acme/${other}`)).status).toBe(403);
  });

  it('shows member emails only to privileged credentials that filter by them and ask with fields', async () => {
    const admin = sim.cloud.control.truthIds();
    expect(admin.members.length).toBeGreaterThan(0);
    const members = (await as('workspaceToken').get('/workspaces/acme/members?fields=%2Bvalues.user.email')).json.values;
    expect(members[0].user).not.toHaveProperty('email');
    const email = `${members[1].user.nickname}@acme.example`;
    const q = encodeURIComponent(`user.email IN ("${email}")`);
    const filtered = await as('workspaceToken').get(`/workspaces/acme/members?q=${q}&fields=%2Bvalues.user.email`);
    expect(filtered.json.values.map((m: { user: { email: string } }) => m.user.email)).toEqual([email]);
    const withoutFields = await as('workspaceToken').get(`/workspaces/acme/members?q=${q}`);
    expect(withoutFields.json.values[0].user).not.toHaveProperty('email');
    expect((await as('apiTokenMember').get(`/workspaces/acme/members?q=${q}`)).status).toBe(403);
  });
});

describe('rate limits', () => {
  it('counts per access token, and per user for API tokens; headers only for access tokens', async () => {
    const limited = await startSimulator({ size: 'tiny', seed: 5, rateLimits: { cloudPerHour: 4, cloudWindowScale: 1 } });
    try {
      const client = (name: string): CloudClient => new CloudClient(limited.cloud.baseUrl, limited.cloud.credentials[name]);
      for (let i = 0; i < 4; i++) {
        const ok = await client('workspaceToken').get('/repositories/acme');
        expect(ok.status).toBe(200);
        expect(ok.headers.get('x-ratelimit-limit')).toBe('4');
        expect(ok.headers.get('x-ratelimit-resource')).toBe('api');
        expect(ok.headers.get('x-ratelimit-nearlimit')).toBe(String(i === 3));
      }
      expect((await client('workspaceToken').get('/repositories/acme')).status).toBe(429);
      // Another token has its own allowance.
      expect((await client('workspaceToken2').get('/repositories/acme')).status).toBe(200);
      // Two API tokens of one user share the user's budget; no X-RateLimit headers for them.
      for (let i = 0; i < 2; i++) {
        const a = await client('apiToken').get('/repositories/acme');
        expect(a.status).toBe(200);
        expect(a.headers.get('x-ratelimit-limit')).toBeNull();
        expect((await client('apiTokenSameUser').get('/repositories/acme')).status).toBe(200);
      }
      expect((await client('apiTokenSameUser').get('/repositories/acme')).status).toBe(429);
      // The window rolls with simulated time.
      limited.advance(3_600_001);
      expect((await client('workspaceToken').get('/repositories/acme')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('scales the window and adds Retry-After when asked', async () => {
    const limited = await startSimulator({ size: 'tiny', seed: 5, rateLimits: { cloudPerHour: 2, cloudWindowScale: 0.0001, cloudRetryAfter: true } });
    try {
      const client = new CloudClient(limited.cloud.baseUrl, limited.cloud.credentials['workspaceToken']);
      await client.get('/repositories/acme');
      await client.get('/repositories/acme');
      const limitedResponse = await client.get('/repositories/acme');
      expect(limitedResponse.status).toBe(429);
      expect(limitedResponse.headers.get('retry-after')).toBe('1');
      expect(limitedResponse.text).toBe('Rate limit for this resource has been exceeded');
      // 0.36 s window: a real wait lets it recover.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await client.get('/repositories/acme')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
