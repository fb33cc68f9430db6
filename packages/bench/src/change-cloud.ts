/**
 * The 1% change on the Bitbucket Cloud simulator, through its control API.
 */
import { ChangeTally, choosePullRequestChange, pickIndexes, seededRandom, shareOf } from './change.js';
import type { ChangeSummary } from './protocol.js';

/** The control methods the change uses (the Cloud simulator's `control`). */
export interface CloudControlLike {
  pushCommits(repo: string, options?: { count?: number }): unknown;
  updatePullRequest(repo: string, id: number, options: { pushCommits?: number }): unknown;
  approvePullRequest(repo: string, id: number): unknown;
  commentOnPullRequest(repo: string, id: number, options?: { text?: string }): unknown;
  mergePullRequest(repo: string, id: number): unknown;
  declinePullRequest(repo: string, id: number): unknown;
  startPipeline(repo: string): string;
  finishPipeline(repo: string, uuid: string, result?: 'SUCCESSFUL'): unknown;
}

/** The part of the Cloud ground truth the change reads. */
export interface CloudChangeTruth {
  readonly repositories: readonly { readonly uuid: string; readonly slug?: string; readonly full_name?: string }[];
  readonly pullrequests: Readonly<Record<string, readonly { readonly id: number; readonly state: string }[]>>;
  readonly pipelines: Readonly<Record<string, readonly unknown[]>>;
}

function slugOf(repository: CloudChangeTruth['repositories'][number]): string {
  return repository.slug ?? String(repository.full_name).split('/').pop() ?? '';
}

/** Changes about `fraction` of the pull requests, of the repositories (pushes) and of the pipelines (new runs). */
export function changeCloud(control: CloudControlLike, truth: CloudChangeTruth, fraction: number, seed: number): ChangeSummary {
  const random = seededRandom(seed);
  const tally = new ChangeTally();
  const repositories = truth.repositories;
  const pullRequests = repositories.flatMap((repository) => (truth.pullrequests[repository.uuid] ?? []).map((pr) => ({ slug: slugOf(repository), pr })));

  for (const index of pickIndexes(pullRequests.length, shareOf(pullRequests.length, fraction), random)) {
    const { slug, pr } = pullRequests[index] as (typeof pullRequests)[number];
    const change = choosePullRequestChange({ open: pr.state === 'OPEN', author: undefined }, random);
    if (change === 'review') {
      control.approvePullRequest(slug, pr.id);
      tally.count('pull requests approved');
    } else if (change === 'push') {
      control.updatePullRequest(slug, pr.id, { pushCommits: 1 + Math.floor(random() * 3) });
      tally.count('pull requests pushed to');
    } else if (change === 'merge') {
      control.mergePullRequest(slug, pr.id);
      tally.count('pull requests merged');
    } else if (change === 'decline') {
      control.declinePullRequest(slug, pr.id);
      tally.count('pull requests declined');
    } else {
      control.commentOnPullRequest(slug, pr.id, { text: 'A benchmark comment.' });
      tally.count('pull requests commented');
    }
  }
  for (const index of pickIndexes(repositories.length, shareOf(repositories.length, fraction), random)) {
    control.pushCommits(slugOf(repositories[index] as (typeof repositories)[number]), { count: 1 + Math.floor(random() * 5) });
    tally.count('repositories pushed to');
  }
  const pipelines = Object.values(truth.pipelines).reduce((sum, list) => sum + list.length, 0);
  for (let k = 0; k < shareOf(pipelines, fraction) && repositories.length > 0; k++) {
    const slug = slugOf(repositories[Math.floor(random() * repositories.length)] as (typeof repositories)[number]);
    control.finishPipeline(slug, control.startPipeline(slug), 'SUCCESSFUL');
    tally.count('pipelines run');
  }
  return tally.summary();
}
