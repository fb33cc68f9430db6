/**
 * The 1% change on the Data Center simulator, through its control API.
 */
import { ChangeTally, choosePullRequestChange, pickIndexes, seededRandom, shareOf } from './change.js';
import type { ChangeSummary } from './protocol.js';

interface RepoSelector {
  projectKey: string;
  slug: string;
}
interface PullRequestSelector extends RepoSelector {
  id: number;
}

/** The control methods the change uses (Data Center simulator's `control`). */
export interface DataCenterControlLike {
  pushCommits(o: RepoSelector & { count?: number }): unknown;
  commentPullRequest(o: PullRequestSelector & { user?: string; text?: string }): unknown;
  reviewPullRequest(o: PullRequestSelector & { user: string; status: 'APPROVED' | 'UNAPPROVED' | 'NEEDS_WORK' }): unknown;
  updatePullRequest(o: PullRequestSelector & { pushCommits?: number }): unknown;
  mergePullRequest(o: PullRequestSelector): unknown;
  declinePullRequest(o: PullRequestSelector): unknown;
}

/** The part of the Data Center ground truth the change reads. */
export interface DataCenterChangeTruth {
  readonly repositories: readonly { readonly id: number; readonly slug: string; readonly project: { readonly key: string } }[];
  readonly pullRequests: Readonly<Record<number, readonly { readonly id: number; readonly state: string; readonly author?: { readonly user?: { readonly slug?: string } } }[]>>;
  readonly users: readonly { readonly slug: string }[];
}

/** Changes about `fraction` of the pull requests and of the repositories. */
export function changeDataCenter(control: DataCenterControlLike, truth: DataCenterChangeTruth, fraction: number, seed: number): ChangeSummary {
  const random = seededRandom(seed);
  const tally = new ChangeTally();
  const repositories = truth.repositories;
  const pullRequests = repositories.flatMap((repository) =>
    (truth.pullRequests[repository.id] ?? []).map((pr) => ({ repo: { projectKey: repository.project.key, slug: repository.slug }, pr })),
  );
  const users = truth.users.map((u) => u.slug);

  for (const index of pickIndexes(pullRequests.length, shareOf(pullRequests.length, fraction), random)) {
    const { repo, pr } = pullRequests[index] as (typeof pullRequests)[number];
    const author = pr.author?.user?.slug;
    const selector = { ...repo, id: pr.id };
    const change = choosePullRequestChange({ open: pr.state === 'OPEN', author }, random);
    const reviewer = users.find((slug, i) => slug !== author && i >= Math.floor(random() * users.length)) ?? users.find((slug) => slug !== author);
    if (change === 'review' && reviewer !== undefined) {
      control.reviewPullRequest({ ...selector, user: reviewer, status: 'APPROVED' });
      tally.count('pull requests approved');
    } else if (change === 'push') {
      control.updatePullRequest({ ...selector, pushCommits: 1 + Math.floor(random() * 3) });
      tally.count('pull requests pushed to');
    } else if (change === 'merge') {
      control.mergePullRequest(selector);
      tally.count('pull requests merged');
    } else if (change === 'decline') {
      control.declinePullRequest(selector);
      tally.count('pull requests declined');
    } else {
      control.commentPullRequest({ ...selector, ...(reviewer !== undefined ? { user: reviewer } : {}), text: 'A benchmark comment.' });
      tally.count('pull requests commented');
    }
  }
  for (const index of pickIndexes(repositories.length, shareOf(repositories.length, fraction), random)) {
    const repository = repositories[index] as (typeof repositories)[number];
    control.pushCommits({ projectKey: repository.project.key, slug: repository.slug, count: 1 + Math.floor(random() * 5) });
    tally.count('repositories pushed to');
  }
  return tally.summary();
}
