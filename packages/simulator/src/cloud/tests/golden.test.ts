/** Golden checks from recorded facts (BITBUCKET.md section 1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';

let sim: Simulator;
let client: CloudClient;
let slug: string;

beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 1, rateLimits: { cloudPerHour: 3 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
  slug = sim.cloud.control.repositories()[0] as string;
});
afterAll(() => sim.close());

describe('recorded facts', () => {
  it('answers 429 with the 46-byte text/plain body and no Retry-After by default', async () => {
    sim.cloud.control.resetRateLimits();
    for (let i = 0; i < 3; i++) expect((await client.get('/repositories/acme')).status).toBe(200);
    const limited = await client.get('/repositories/acme');
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('Rate limit for this resource has been exceeded');
    expect(Buffer.byteLength(limited.text)).toBe(46);
    expect(limited.headers.get('content-type')).toBe('text/plain');
    expect(limited.headers.get('content-length')).toBe('46');
    expect(limited.headers.get('retry-after')).toBeNull();
    sim.cloud.control.resetRateLimits();
  });

  it('answers a made-up PR commits page (?page=1) with 400 "Invalid page"', async () => {
    sim.cloud.control.resetRateLimits();
    const response = await client.get(`/repositories/acme/${slug}/pullrequests/1/commits?page=1`);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ type: 'error', error: { message: 'Invalid page' } });
  });

  it('answers pullrequests?pagelen=51 with 400', async () => {
    sim.cloud.control.resetRateLimits();
    const response = await client.get(`/repositories/acme/${slug}/pullrequests?pagelen=51`);
    expect(response.status).toBe(400);
    expect(response.json.type).toBe('error');
    expect((await client.get(`/repositories/acme/${slug}/pullrequests?pagelen=50`)).status).toBe(200);
  });

  it('answers an unknown repository with the recorded 404 body', async () => {
    sim.cloud.control.resetRateLimits();
    const response = await client.get('/repositories/acme/nope');
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ type: 'error', error: { message: 'Repository acme/nope not found' } });
  });

  it('uses 12-character hashes in pull requests and full hashes in commits', async () => {
    sim.cloud.control.resetRateLimits();
    const pr = (await client.get(`/repositories/acme/${slug}/pullrequests/1`)).json;
    expect(pr.source.commit.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(pr.destination.commit.hash).toMatch(/^[0-9a-f]{12}$/);
    const commits = (await client.get(`/repositories/acme/${slug}/commits?pagelen=1`)).json;
    expect(commits.values[0].hash).toMatch(/^[0-9a-f]{40}$/);
    expect(commits).not.toHaveProperty('size');
    expect(commits).not.toHaveProperty('page');
  });
});
