import { describe, expect, it } from 'vitest';
import { parseIsoMicros } from '../http/bbql.js';
import type { RenderContext } from '../render/context.js';
import { groundTruth, groundTruthIds } from '../truth.js';
import { generateCloudData, type GenerateOptions } from './generate.js';
import { CLOUD_SIZES } from './sizes.js';
import { CommitKind, PrState } from './store.js';

const NOW = Date.UTC(2026, 10, 1, 12);
const options = (seed: number, size = CLOUD_SIZES.small, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  seed,
  size,
  generatedAt: NOW,
  commentsBumpPullRequestUpdatedOn: true,
  repositoryUpdatedOnBumpedBy: 'pushes',
  ...extra,
});
const truthOf = (seed: number, extra: Partial<GenerateOptions> = {}) => {
  const ctx: RenderContext = { data: generateCloudData(options(seed, CLOUD_SIZES.small, extra)), api: 'http://sim/2.0' };
  return groundTruth(ctx);
};

describe('generation', () => {
  it('is deterministic: the same seed gives the same truth, another seed another', () => {
    const a = truthOf(5);
    const b = truthOf(5);
    for (const kind of ['repositories', 'members', 'pullrequests', 'activity', 'comments', 'prCommits', 'commits', 'pipelines'] as const) {
      expect(JSON.stringify(a[kind]), kind).toBe(JSON.stringify(b[kind]));
    }
    expect(JSON.stringify(truthOf(6).commits)).not.toBe(JSON.stringify(a.commits));
  });

  it('produces sizes near the presets and every state', () => {
    const data = generateCloudData(options(8, CLOUD_SIZES.medium));
    const ids = groundTruthIds(data);
    expect(ids.repositories).toHaveLength(100);
    const prs = data.repositories.reduce((n, r) => n + r.pullRequests.length, 0);
    const commits = Object.values(ids.commits).reduce((n, list) => n + list.length, 0);
    const pipelines = data.repositories.reduce((n, r) => n + r.pipelines.length, 0);
    expect(prs).toBeGreaterThan(4000);
    expect(prs).toBeLessThan(6500);
    expect(commits).toBeGreaterThan(40_000);
    expect(commits).toBeLessThan(65_000);
    expect(pipelines).toBeGreaterThan(4000);
    const states = new Set(data.repositories.flatMap((r) => r.pullRequests.state));
    expect(states).toEqual(new Set([PrState.Open, PrState.Merged, PrState.Declined, PrState.Superseded]));
    const merges = data.repositories.reduce((n, r) => n + Array.from({ length: r.commits.length }, (_, i) => r.commits.kind.get(i)).filter((k) => k === CommitKind.Merge).length, 0);
    expect(merges).toBeGreaterThan(1000);
  });

  it('keeps every record in the past and updated_on consistent with activity', () => {
    const truth = truthOf(12);
    for (const prs of Object.values(truth.pullrequests)) {
      for (const pr of prs) {
        const created = parseIsoMicros(pr['created_on'] as string) as number;
        const updated = parseIsoMicros(pr['updated_on'] as string) as number;
        expect(updated).toBeGreaterThanOrEqual(created);
        expect(updated).toBeLessThan(NOW * 1000);
      }
    }
    for (const [key, items] of Object.entries(truth.activity)) {
      const [uuid, id] = key.split('#') as [string, string];
      const pr = (truth.pullrequests[uuid] ?? []).find((p) => p['id'] === Number(id)) as Record<string, string>;
      const dates = items.map((item) => {
        const inner = (item['update'] ?? item['approval'] ?? item['changes_request']) as { date: string } | undefined;
        return parseIsoMicros(inner ? inner.date : (item['comment'] as { created_on: string }).created_on) as number;
      });
      expect(Math.max(...dates)).toBe(parseIsoMicros(pr['updated_on'] as string));
    }
  });

  it('does not let comments move updated_on when the switch is off', () => {
    const truth = truthOf(12, { commentsBumpPullRequestUpdatedOn: false });
    for (const [key, items] of Object.entries(truth.activity)) {
      const [uuid, id] = key.split('#') as [string, string];
      const pr = (truth.pullrequests[uuid] ?? []).find((p) => p['id'] === Number(id)) as Record<string, string>;
      const updates = items.filter((i) => i['update']).map((i) => parseIsoMicros((i['update'] as { date: string }).date) as number);
      expect(parseIsoMicros(pr['updated_on'] as string)).toBe(Math.max(...updates));
    }
  });

  // `large` (1,000 repositories, ~100,000 pull requests, ~1,000,000 commits) takes a few seconds and ~300 MB;
  // run it with BBSYNC_SIM_LARGE=1 (kept out of the default suite to keep it fast).
  it.runIf(process.env['BBSYNC_SIM_LARGE'] === '1')('generates large', () => {
    const data = generateCloudData(options(1, CLOUD_SIZES.large));
    expect(data.repositories).toHaveLength(1000);
    expect(data.repositories.reduce((n, r) => n + r.pullRequests.length, 0)).toBeGreaterThanOrEqual(90_000);
    expect(data.repositories.reduce((n, r) => n + r.commits.length, 0)).toBeGreaterThanOrEqual(1_000_000);
  });
});
