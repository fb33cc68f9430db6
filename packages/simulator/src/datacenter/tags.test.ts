/** Tags and service users: served through the normal routing and auth, paged, equal to the truth, moved by the control API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';

let dc: StartedDc;
beforeAll(async () => {
  dc = await startDc();
});
afterAll(() => dc.close());

describe('Data Center tags', () => {
  it('lists tags newest commit first, page by page, equal to the truth; the commit lookup gives the date', async () => {
    const truth = dc.sim.handle.groundTruth();
    const repository = truth.repositories.find((r) => (truth.tags[r.id] ?? []).length > 3) as (typeof truth.repositories)[number];
    const path = `/projects/${repository.project.key}/repos/${repository.slug}/tags`;
    const values: unknown[] = [];
    for (let start: number | null = 0; start !== null; ) {
      const { status, body } = await dc.get(`${path}?limit=2&start=${start}`);
      expect(status).toBe(200);
      values.push(...body.values);
      start = body.isLastPage ? null : body.nextPageStart;
    }
    expect(values).toEqual(truth.tags[repository.id]);
    const first = values[0] as { latestCommit: string; type: string; id: string };
    expect(first.type).toBe('TAG');
    expect(first.id.startsWith('refs/tags/')).toBe(true);
    const commit = await dc.get(`/projects/${repository.project.key}/repos/${repository.slug}/commits/${first.latestCommit}`);
    expect(typeof commit.body.committerTimestamp).toBe('number');
    const names = Object.values(truth.tags).flat().map((tag) => String(tag['displayId']));
    expect(names.some((name) => name.startsWith('v'))).toBe(true);
    expect(names.some((name) => name.startsWith('release-'))).toBe(true);
    expect(names.some((name) => name.startsWith('nightly-') || name.startsWith('build-'))).toBe(true);
  });

  it('creates, moves and deletes tags through the control API; filterText filters', async () => {
    const truth = dc.sim.handle.groundTruth();
    const repository = truth.repositories.find((r) => (truth.tags[r.id] ?? []).length > 0) as { slug: string; project: { key: string } };
    const created = await dc.control('createTag', { projectKey: repository.project.key, slug: repository.slug, name: 'v9.9.9', annotated: true });
    expect(created.status).toBe(200);
    const listed = await dc.get(`/projects/${repository.project.key}/repos/${repository.slug}/tags?filterText=9.9`);
    expect(listed.body.values.map((tag: { displayId: string }) => tag.displayId)).toEqual(['v9.9.9']);
    expect(listed.body.values[0].hash).not.toBe(listed.body.values[0].latestCommit);
    await dc.control('deleteTag', { projectKey: repository.project.key, slug: repository.slug, name: 'v9.9.9' });
    expect((await dc.get(`/projects/${repository.project.key}/repos/${repository.slug}/tags?filterText=9.9`)).body.values).toEqual([]);
  });

  it('has a service user', () => {
    const bot = dc.sim.handle.groundTruth().users.find((user) => user.slug === 'ci-bot');
    expect(bot?.type).toBe('SERVICE');
  });
});
