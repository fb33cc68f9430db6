/**
 * Field-path coverage against real recorded responses: for each entity kind, at least 98% of the field paths
 * seen in public projects' recorded Bitbucket responses (`test-support/recorded/field-paths.json`, origins in
 * the README) also appear in simulator objects of that kind. Paths name nested keys (`a.b`, arrays as `[]`);
 * the few recorded paths the simulator deliberately does not serve are listed in NOT_SERVED with the reason.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './start.js';
import { CloudClient } from './test-support/cloud-client.js';
import { authorization } from './datacenter/testing.js';

interface Recorded {
  readonly sources: readonly string[];
  readonly paths: readonly string[];
}
const RECORDED = JSON.parse(readFileSync(new URL('./test-support/recorded/field-paths.json', import.meta.url), 'utf8')) as Record<string, Recorded>;

/** Recorded paths the simulator does not serve on purpose (prefix match), each with why. */
const NOT_SERVED: Readonly<Record<string, readonly { readonly prefix?: string; readonly suffix?: string; readonly why: string }[]>> = {
  'dc.activity': [
    { prefix: 'comment.comments[].comments[].tasks[]', why: 'legacy task objects (Bitbucket Server before 7.2; 8.x/9.x have blocker comments instead)' },
    { suffix: 'username', why: "a field of GitLab's fixture users only: RestApplicationUser (DC 9.2 spec) and the other recordings have none" },
  ],
};

function collect(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, `${prefix}[]`, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.add(path);
    collect(child, path, out);
  }
}

const served = new Map<string, Set<string>>();
function serve(kind: string, ...objects: unknown[]): void {
  const set = served.get(kind) ?? new Set<string>();
  for (const object of objects) collect(object, '', set);
  served.set(kind, set);
}

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 21, rateLimits: { cloudPerHour: 1_000_000 } });
  await crawlCloud();
  await crawlDataCenter();
}, 120_000);
afterAll(() => sim.close());

async function crawlCloud(): Promise<void> {
  const client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
  const control = sim.cloud.control;
  const slug = control.repositories()[0] as string;
  // Some of everything: a fork pull request, inline comments and replies, approvals, change requests, a retitle.
  const id = control.openPullRequest(slug, { title: 'Coverage', commits: 2, reviewers: [1, 2] });
  const comment = control.commentOnPullRequest(slug, id, { text: 'inline', inline: { path: 'src/a.ts', to: 3 } });
  control.commentOnPullRequest(slug, id, { text: 'reply', parentId: comment });
  control.approvePullRequest(slug, id, 1);
  control.requestChanges(slug, id, 2);
  control.updatePullRequest(slug, id, { title: 'Coverage, retitled' });
  const ALL = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED';
  for (const repo of control.repositories().slice(0, 3)) {
    serve('cloud.repository', (await client.get(`/repositories/acme/${repo}`)).json);
    const list = await client.all(`/repositories/acme/${repo}/pullrequests?${ALL}&pagelen=50`);
    serve('cloud.pullrequest_list_item', ...list.values);
    for (const pr of list.values.slice(0, 15)) {
      serve('cloud.pullrequest', (await client.get(`/repositories/acme/${repo}/pullrequests/${pr.id}`)).json);
      serve('cloud.activity', ...(await client.all(`/repositories/acme/${repo}/pullrequests/${pr.id}/activity?pagelen=50`)).values);
      serve('cloud.diffstat', ...(await client.get(`/repositories/acme/${repo}/pullrequests/${pr.id}/diffstat`)).json.values);
    }
    const main = (await client.get(`/repositories/acme/${repo}`)).json.mainbranch.name as string;
    const branch = (await client.get(`/repositories/acme/${repo}/refs/branches/${main}`)).json;
    serve('cloud.branch', branch);
    const commits = (await client.get(`/repositories/acme/${repo}/commits/${main}?pagelen=30`)).json.values;
    for (const commit of commits.slice(0, 10)) serve('cloud.commit', (await client.get(`/repositories/acme/${repo}/commit/${commit.hash}`)).json);
  }
  serve('cloud.workspace', (await client.get('/workspaces/acme')).json);
  serve('cloud.workspace_membership', ...(await client.all('/workspaces/acme/members')).values);
}

async function crawlDataCenter(): Promise<void> {
  const credential = sim.datacenter.credentials['admin'];
  if (!credential) throw new Error('no admin credential');
  const get = async (path: string): Promise<any> => (await fetch(`${sim.datacenter.baseUrl}${path}`, { headers: { authorization: authorization(credential) } })).json();
  const control = sim.datacenter.control;
  const truth = sim.datacenter.groundTruth();
  const repo = truth.repositories.find((r) => (truth.pullRequests[r.id] ?? []).length > 2) as (typeof truth.repositories)[number];
  const at = { projectKey: repo.project.key, slug: repo.slug };
  // A thread two replies deep (the recorded page has one).
  const pr = (truth.pullRequests[repo.id] ?? [])[0] as { id: number };
  const root = control.commentPullRequest({ ...at, id: pr.id, text: 'root' });
  const reply = control.commentPullRequest({ ...at, id: pr.id, text: 'reply', replyTo: root.id });
  control.commentPullRequest({ ...at, id: pr.id, text: 'reply to the reply', replyTo: reply.id });
  for (const r of truth.repositories.slice(0, 6)) {
    const base = `/projects/${r.project.key}/repos/${r.slug}`;
    serve('dc.repository', await get(base));
    serve('dc.project', await get(`/projects/${r.project.key}`));
    serve('dc.branch', ...(await get(`${base}/branches?limit=100`)).values);
    const commits = (await get(`${base}/commits?limit=10`)).values;
    for (const commit of commits) serve('dc.commit', await get(`${base}/commits/${commit.id}`));
    const prs = (await get(`${base}/pull-requests?state=ALL&limit=100`)).values;
    for (const p of prs) {
      serve('dc.pullrequest', await get(`${base}/pull-requests/${p.id}`));
      serve('dc.activity', ...(await get(`${base}/pull-requests/${p.id}/activities?limit=500`)).values);
    }
  }
}

describe('field paths of recorded responses appear in simulator objects of the same kind', () => {
  for (const [kind, recorded] of Object.entries(RECORDED)) {
    it(`${kind} (≥ 98%; recorded in ${recorded.sources.join(', ')})`, () => {
      const ours = served.get(kind) ?? new Set<string>();
      const skipped = NOT_SERVED[kind] ?? [];
      const isSkipped = (path: string): boolean =>
        skipped.some((s) => (s.prefix !== undefined && (path === s.prefix || path.startsWith(`${s.prefix}.`) || path.startsWith(`${s.prefix}[]`))) || (s.suffix !== undefined && path.endsWith(`.${s.suffix}`)));
      const considered = recorded.paths.filter((path) => !isSkipped(path));
      const missing = considered.filter((path) => !ours.has(path));
      const coverage = (considered.length - missing.length) / considered.length;
      console.log(`${kind}: ${(coverage * 100).toFixed(1)}% of ${considered.length} recorded paths served${missing.length > 0 ? ` (missing: ${missing.join(', ')})` : ''}`);
      expect(coverage >= 0.98 ? [] : missing, `${kind}: ${(coverage * 100).toFixed(1)}% of ${considered.length} paths`).toEqual([]);
    });
  }
});
