/**
 * Why a Cloud run with nothing changed costs 3 requests per repository (the pull request listing, the
 * repository-wide activity feed, the pipelines page) when it is not told how the API bumps `updated_on`: each
 * of the three is the only cheap probe that sees some change the simulator's switches can produce, so a
 * strategy that must be right under both settings of the UNVERIFIED `commentsBumpPullRequestUpdatedOn` needs
 * all three. Proven here against the real simulator over HTTP, probe by probe:
 * - comments bump `updated_on` (the default): a withdrawn approval older than the feed's first page shows only
 *   in the pull request listing (Bitbucket drops it from the activity log);
 * - they do not: a comment shows only in the activity feed;
 * - either way: a pipeline run shows only in the pipelines listing.
 * Told which setting holds, the connector spends 2 (`activityBumpsPullRequestUpdatedOn: true` drops the feed;
 * `activityFeedCoversPullRequestUpdates: true` drops the listing), which is why its defaults stay at 3.
 */
import { startSimulator, type SimSwitches } from '@bbsync/simulator';
import { describe, expect, it } from 'vitest';

interface CloudControl {
  repositories(): string[];
  approvePullRequest(repo: string, id: number, user?: { index: number } | unknown): void;
  unapprovePullRequest(repo: string, id: number, user?: unknown): void;
  commentOnPullRequest(repo: string, id: number, options?: { text?: string }): number;
  startPipeline(repo: string): string;
  finishPipeline(repo: string, uuid: string, result?: 'SUCCESSFUL'): void;
  advance(ms: number): void;
}

/** What each cheap probe of one repository shows: its first page, without `links` (they carry the origin). */
interface Probes {
  readonly repositories: string;
  readonly pullRequests: string;
  readonly feed: string;
  readonly pipelines: string;
}

const withoutLinks = (value: unknown): string => JSON.stringify(value, (key, v: unknown) => (key === 'links' ? undefined : v));

async function withSimulator(switches: Partial<SimSwitches>, body: (probe: () => Promise<Probes>, control: CloudControl, repo: string, ids: number[]) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ seed: 3, size: { repositories: 1, projects: 1, members: 4, pullRequestsPerRepo: 6, commitsPerRepo: 20, pipelinesPerRepo: 3 }, switches });
  try {
    const token = (sim.cloud.credentials.workspaceToken?.config as { accessToken?: string } | undefined)?.accessToken ?? '';
    const control = sim.cloud.control as unknown as CloudControl;
    const [repo = ''] = control.repositories();
    const base = `${sim.cloud.baseUrl}/repositories/${sim.cloud.workspace}`;
    const get = async (url: string): Promise<{ values: unknown[] }> => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, url).toBe(200);
      return (await response.json()) as { values: unknown[] };
    };
    const probe = async (): Promise<Probes> => ({
      repositories: withoutLinks((await get(`${base}?pagelen=100`)).values),
      // The cheap probe is `q=updated_on > <last run>`: it returns the pull requests whose `updated_on` moved
      // (a changed `comment_count` alone does not bring a row back), so `id` and `updated_on` are what it sees.
      pullRequests: JSON.stringify(
        ((await get(`${base}/${repo}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&pagelen=50`)).values as { id: number; updated_on: string }[]).map((pr) => [pr.id, pr.updated_on]),
      ),
      feed: withoutLinks((await get(`${base}/${repo}/pullrequests/activity?pagelen=50`)).values),
      pipelines: withoutLinks((await get(`${base}/${repo}/pipelines?sort=-created_on&pagelen=100`)).values),
    });
    const listed = (await get(`${base}/${repo}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED&pagelen=50`)).values as { id: number }[];
    await body(probe, control, repo, listed.map((pr) => pr.id));
  } finally {
    await sim.close();
  }
}

/** The probes whose first page moved between two looks. */
function moved(before: Probes, after: Probes): string[] {
  return (Object.keys(before) as (keyof Probes)[]).filter((probe) => before[probe] !== after[probe]);
}

describe('nothing-changed Cloud runs: 3 requests per repository is the floor when the bump rule is unknown', () => {
  it('comments bump updated_on: an old withdrawn approval shows only in the pull request listing', async () => {
    await withSimulator({ commentsBumpPullRequestUpdatedOn: true }, async (probe, control, repo, [approved, busy]) => {
      control.approvePullRequest(repo, approved as number);
      // Fifty newer items on another pull request push the approval off the feed's first page.
      for (let i = 0; i < 50; i++) {
        control.advance(1000);
        control.commentOnPullRequest(repo, busy as number, { text: `comment ${i}` });
      }
      control.advance(60_000);
      const before = await probe();
      control.unapprovePullRequest(repo, approved as number);
      control.advance(60_000);
      expect(moved(before, await probe())).toEqual(['pullRequests']);
    });
  });

  it('comments bump nothing: a comment shows only in the activity feed', async () => {
    await withSimulator({ commentsBumpPullRequestUpdatedOn: false }, async (probe, control, repo, [commented]) => {
      const before = await probe();
      control.advance(60_000);
      control.commentOnPullRequest(repo, commented as number, { text: 'a comment that bumps nothing' });
      control.advance(60_000);
      expect(moved(before, await probe())).toEqual(['feed']);
    });
  });

  it('either way: a pipeline run shows only in the pipelines listing', async () => {
    for (const commentsBumpPullRequestUpdatedOn of [true, false]) {
      await withSimulator({ commentsBumpPullRequestUpdatedOn }, async (probe, control, repo) => {
        const before = await probe();
        control.advance(60_000);
        control.finishPipeline(repo, control.startPipeline(repo), 'SUCCESSFUL');
        control.advance(60_000);
        expect(moved(before, await probe())).toEqual(['pipelines']);
      });
    }
  });
});
