/**
 * Scripted activity for the demo and the end-to-end tests, through the simulator's control API: what a busy
 * hour on Bitbucket looks like (new commits, a force-push, pull request updates, comments and approvals, a new
 * pull request, pipelines finishing, a repository renamed and one deleted). Each step is independent: one that
 * the simulator refuses is reported and skipped.
 */
import type { Simulator } from '@bbsync/simulator';

export interface ActivityReport {
  readonly cloud: readonly string[];
  readonly datacenter: readonly string[];
}

function attempt(done: string[], what: string, action: () => unknown): void {
  try {
    action();
    done.push(what);
  } catch (error) {
    done.push(`${what}: skipped (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Applies the Cloud script. */
export function cloudActivity(sim: Simulator): string[] {
  const done: string[] = [];
  const control = sim.cloud.control;
  const repos = control.repositories();
  const [first, second, third] = repos;
  if (first === undefined) return ['no repositories'];
  const truth = sim.cloud.groundTruth();
  const uuid = truth.repositories.map((r) => r as { slug?: unknown; uuid?: unknown }).find((r) => r.slug === first)?.uuid;
  const pullRequests = (truth.pullrequests[String(uuid)] ?? []).map((p) => p as { id?: unknown; state?: unknown });
  const open = pullRequests.filter((p) => p.state === 'OPEN' && typeof p.id === 'number').map((p) => p.id as number);
  attempt(done, `3 new commits on ${first}`, () => control.pushCommits(first, { count: 3 }));
  if (second !== undefined) attempt(done, `force-push on ${second} (1 commit dropped, 2 added)`, () => control.forcePush(second, { drop: 1, add: 2 }));
  const pr = open[0];
  if (pr !== undefined) {
    attempt(done, `${first} PR #${pr} retitled`, () => control.updatePullRequest(first, pr, { title: 'Demo: retitled during the demo' }));
    attempt(done, `${first} PR #${pr} new comment`, () => control.commentOnPullRequest(first, pr, { text: 'Looks good, one question inline.' }));
    attempt(done, `${first} PR #${pr} approved`, () => control.approvePullRequest(first, pr));
  }
  attempt(done, `${first} new pull request`, () => control.openPullRequest(first, { title: 'Demo: a new pull request', commits: 2 }));
  attempt(done, `${first} pipeline finished`, () => control.finishPipeline(first, control.startPipeline(first, { state: 'IN_PROGRESS' }), 'SUCCESSFUL'));
  if (third !== undefined && repos.length > 3) {
    attempt(done, `${third} renamed`, () => control.renameRepository(third, `${third}-renamed`));
    const last = repos[repos.length - 1] as string;
    attempt(done, `${last} deleted`, () => control.deleteRepository(last));
  } else if (third !== undefined) {
    attempt(done, `${third} deleted`, () => control.deleteRepository(third));
  }
  return done;
}

/** Applies the Data Center script. */
export function dataCenterActivity(sim: Simulator): string[] {
  const done: string[] = [];
  const control = sim.datacenter.control;
  const truth = sim.datacenter.groundTruth();
  const repos = truth.repositories.map((r) => ({ projectKey: r.project.key, slug: r.slug, id: r.id }));
  const [first, second] = repos;
  if (first === undefined) return ['no repositories'];
  const name = (r: { projectKey: string; slug: string }) => `${r.projectKey}/${r.slug}`;
  const selector = (r: { projectKey: string; slug: string }) => ({ projectKey: r.projectKey, slug: r.slug });
  attempt(done, `3 new commits on ${name(first)}`, () => control.pushCommits({ ...selector(first), count: 3 }));
  if (second !== undefined) attempt(done, `force-push on ${name(second)} (1 commit dropped, 2 added)`, () => control.forcePush({ ...selector(second), drop: 1, add: 2 }));
  const withPrs = repos.find((r) => (truth.pullRequests[r.id] ?? []).length > 0);
  const pr = withPrs ? (truth.pullRequests[withPrs.id] ?? [])[0] : undefined;
  if (withPrs && pr) {
    attempt(done, `${name(withPrs)} PR #${pr.id} retitled`, () => control.updatePullRequest({ ...selector(withPrs), id: pr.id, title: 'Demo: retitled during the demo' }));
    attempt(done, `${name(withPrs)} PR #${pr.id} new comment`, () => control.commentPullRequest({ ...selector(withPrs), id: pr.id, text: 'Looks good, one question.' }));
  }
  attempt(done, `${name(first)} new pull request`, () => control.openPullRequest({ ...selector(first), title: 'Demo: a new pull request', commits: 2 }));
  const last = repos[repos.length - 1];
  if (last !== undefined && repos.length > 2) attempt(done, `${name(last)} deleted`, () => control.deleteRepository(selector(last)));
  return done;
}

/** Moves simulated time on by a few minutes, then applies both scripts. */
export async function applyScriptedActivity(sim: Simulator): Promise<ActivityReport> {
  sim.advance(5 * 60_000);
  const cloud = cloudActivity(sim);
  const datacenter = dataCenterActivity(sim);
  sim.advance(60_000);
  return { cloud, datacenter };
}
