/** q=, sort=, fields= over HTTP; pipelines' plain parameters; commits include/exclude. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';
import { parseIsoMicros } from '../http/bbql.js';

let sim: Simulator;
let client: CloudClient;
let slug: string;
let uuid: string;
let main: string;
const ALL = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED';

beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 3, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
  const repo = sim.cloud.groundTruth().repositories[0] as { slug: string; uuid: string; mainbranch: { name: string } };
  slug = repo.slug;
  uuid = repo.uuid;
  main = repo.mainbranch.name;
});
afterAll(() => sim.close());

const micros = (iso: string): number => parseIsoMicros(iso) as number;

describe('pull request filters', () => {
  it('filters by updated_on with quoted and unquoted timestamps', async () => {
    const truth = sim.cloud.groundTruth().pullrequests[uuid] ?? [];
    const sorted = truth.map((p) => p['updated_on'] as string).sort();
    const cut = sorted[Math.floor(sorted.length / 2)] as string;
    const expected = truth.filter((p) => micros(p['updated_on'] as string) > micros(cut)).map((p) => p['id']).sort();
    for (const literal of [`"${cut}"`, cut.replace('+00:00', 'Z'), cut]) {
      const q = encodeURIComponent(`updated_on > ${literal}`);
      const got = await client.all(`/repositories/acme/${slug}/pullrequests?${ALL}&q=${q}&pagelen=50`);
      expect(got.values.map((p) => p.id).sort(), literal).toEqual(expected);
    }
  });

  it('filters states inside q (faros style) and sorts by one field', async () => {
    const q = encodeURIComponent('(state = "DECLINED" OR state = "MERGED") AND id > 2');
    const got = await client.all(`/repositories/acme/${slug}/pullrequests?${ALL}&q=${q}&sort=-updated_on&pagelen=50`);
    expect(got.values.every((p) => ['DECLINED', 'MERGED'].includes(p.state) && p.id > 2)).toBe(true);
    const dates = got.values.map((p) => micros(p.updated_on));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(got.values.length).toBeGreaterThan(0);
  });

  it('answers 400 for malformed queries and unknown fields', async () => {
    expect((await client.get(`/repositories/acme/${slug}/pullrequests?q=${encodeURIComponent('state ==')}`)).status).toBe(400);
    expect((await client.get(`/repositories/acme/${slug}/pullrequests?q=${encodeURIComponent('nope = 1')}`)).status).toBe(400);
  });

  it('adds reviewers with fields=+values.reviewers and keeps them on the single GET', async () => {
    const list = await client.get(`/repositories/acme/${slug}/pullrequests?${ALL}&fields=%2Bvalues.reviewers,%2Bvalues.participants`);
    expect(list.json.values[0]).toHaveProperty('reviewers');
    expect(list.json.values[0]).toHaveProperty('participants');
    const single = await client.get(`/repositories/acme/${slug}/pullrequests/1`);
    expect(single.json).toHaveProperty('reviewers');
    const whitelisted = await client.get(`/repositories/acme/${slug}/pullrequests?${ALL}&pagelen=2&fields=values.id,values.state`);
    expect(whitelisted.json).not.toHaveProperty('next');
    expect(Object.keys(whitelisted.json.values[0]).sort()).toEqual(['id', 'state']);
  });

  it('filters repositories by q and sorts them', async () => {
    const q = encodeURIComponent(`slug ~ "service"`);
    const got = await client.all(`/repositories/acme?q=${q}&sort=-updated_on`);
    expect(got.values.length).toBeGreaterThan(0);
    expect(got.values.every((r) => r.slug.includes('service'))).toBe(true);
    const dates = got.values.map((r) => micros(r.updated_on));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });
});

describe('pipelines parameters', () => {
  it('sorts oldest first by default and newest first with sort=-created_on', async () => {
    const asc = await client.all(`/repositories/acme/${slug}/pipelines?pagelen=100`);
    const numbers = asc.values.map((p) => p.build_number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const desc = await client.get(`/repositories/acme/${slug}/pipelines?sort=-created_on&pagelen=100`);
    expect(desc.json.values.map((p: { build_number: number }) => p.build_number)).toEqual([...numbers].reverse());
  });

  it('filters by status, target.branch and trigger_type', async () => {
    const all = (await client.all(`/repositories/acme/${slug}/pipelines?pagelen=100`)).values;
    const failed = await client.all(`/repositories/acme/${slug}/pipelines?status=FAILED&pagelen=100`);
    expect(failed.values.map((p) => p.uuid)).toEqual(all.filter((p) => p.state.result?.name === 'FAILED').map((p) => p.uuid));
    const onMain = await client.all(`/repositories/acme/${slug}/pipelines?target.branch=${main}&pagelen=100`);
    expect(onMain.values.every((p) => p.target.ref_name === main)).toBe(true);
    const manual = await client.all(`/repositories/acme/${slug}/pipelines?trigger_type=MANUAL&pagelen=100`);
    expect(manual.values.every((p) => p.trigger.name === 'MANUAL')).toBe(true);
    const states = new Set(all.map((p) => p.state.name));
    expect(states).toEqual(new Set(['PENDING', 'IN_PROGRESS', 'COMPLETED']));
  });
});

describe('commits', () => {
  it('supports include/exclude (GET and form POST), abbreviated hashes and 404 for unknown revisions', async () => {
    const history = (await client.all(`/repositories/acme/${slug}/commits/${main}?pagelen=100`)).values.map((c) => c.hash);
    const known = history[10] as string;
    const newer = await client.all(`/repositories/acme/${slug}/commits?include=${main}&exclude=${known}&pagelen=100`);
    const newerHashes = newer.values.map((c) => c.hash);
    expect(newerHashes.length).toBeGreaterThan(0);
    expect(newerHashes).not.toContain(known);
    expect(history.slice(0, 10).every((h) => newerHashes.includes(h))).toBe(true);
    const posted = await client.get(`/repositories/acme/${slug}/commits`, {
      method: 'POST',
      body: `include=${main}&exclude=${known}&pagelen=100`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(posted.json.values.map((c: { hash: string }) => c.hash)).toEqual(newerHashes.slice(0, 100));
    const unknown = await client.get(`/repositories/acme/${slug}/commits?exclude=${'0'.repeat(40)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.type).toBe('error');
    const single = await client.get(`/repositories/acme/${slug}/commit/${known.slice(0, 12)}`);
    expect(single.json.hash).toBe(known);
    expect((await client.get(`/repositories/acme/${slug}/commit/${'f'.repeat(40)}`)).status).toBe(404);
    // Newest first, topological: every parent comes after its child.
    const position = new Map(history.map((h, i) => [h, i]));
    const full = (await client.all(`/repositories/acme/${slug}/commits/${main}?pagelen=100`)).values;
    for (const commit of full) for (const parent of commit.parents) expect(position.get(parent.hash)).toBeGreaterThan(position.get(commit.hash) as number);
    expect(full.some((c) => c.parents.length === 2)).toBe(true);
  });

  it('lists all refs (open pull request branches too) without include', async () => {
    const all = await client.all(`/repositories/acme/${slug}/commits?pagelen=100`);
    const mainOnly = await client.all(`/repositories/acme/${slug}/commits/${main}?pagelen=100`);
    expect(all.values.length).toBeGreaterThanOrEqual(mainOnly.values.length);
  });

  it('serves branches', async () => {
    const branch = await client.get(`/repositories/acme/${slug}/refs/branches/${main}`);
    expect(branch.json.name).toBe(main);
    expect(branch.json.target.hash).toMatch(/^[0-9a-f]{40}$/);
    expect((await client.get(`/repositories/acme/${slug}/refs/branches/nope`)).status).toBe(404);
  });
});
