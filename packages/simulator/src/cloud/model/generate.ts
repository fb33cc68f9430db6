/**
 * Deterministic generation of the Cloud dataset from a seed. Cost is linear in commits + pull requests and
 * nothing but numbers is kept per row (large: 1,000 repositories, ~100,000 pull requests, ~1,000,000 commits).
 */
import type { SimSize } from '../../api.js';
import { Rng } from '../../rng.js';
import { braceUuidOf, hexOf, mixAll, plainUuidOf, saltOf } from './hash.js';
import { countGeneratedComments, generatedEvents } from './activity.js';
import { generateBotActivity } from './bots.js';
import { DeploymentWorld, generateDeployments } from './deployments.js';
import {
  CommitKind,
  CommitStore,
  PipelineStore,
  PrState,
  PullRequestStore,
  type CloudData,
  type Member,
  type Project,
  type RepositoryState,
} from './store.js';
import { FIRST_NAMES, LANGUAGES, LAST_NAMES, REPO_WORDS_A, REPO_WORDS_B, at } from './words.js';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

export interface GenerateOptions {
  readonly seed: number;
  readonly size: SimSize;
  /** Simulated "now" at generation (ms): every generated record is older. */
  readonly generatedAt: number;
  readonly commentsBumpPullRequestUpdatedOn: boolean;
  readonly repositoryUpdatedOnBumpedBy: 'pushes' | 'pushes_and_pull_requests' | 'nothing';
  /** Workspace slug. @default 'acme' */
  readonly workspace?: string;
}

/** Builds the whole dataset. */
export function generateCloudData(options: GenerateOptions): CloudData {
  const { seed, size } = options;
  const slug = options.workspace ?? 'acme';
  const workspace = {
    uuid: braceUuidOf(seed, saltOf('workspace')),
    slug,
    name: slug.charAt(0).toUpperCase() + slug.slice(1),
    createdOn: toMicros(options.generatedAt - 2400 * DAY, seed, 1),
  };
  const projects = makeProjects(seed, size.projects, options.generatedAt);
  const members = makeMembers(seed, size.members, options.generatedAt);
  const data: CloudData = {
    seed,
    workspace,
    projects,
    members,
    repositories: [],
    nextCommentId: 0,
    generatedMembers: members.length,
    maxGeneratedComments: size.pullRequestsPerRepo > 60 ? 3 : 5,
    generatedAt: options.generatedAt,
    deployments: new DeploymentWorld(),
  };
  let nextCommentId = 100_000_000 + (seed % 1000) * 1000;
  const names = repositoryNames(size.repositories);
  for (let i = 0; i < size.repositories; i++) {
    const repo = makeRepository(data, options, i, names[i] as string);
    const prs = repo.pullRequests;
    for (let p = 0; p < prs.length; p++) {
      prs.commentBase[p] = nextCommentId;
      nextCommentId += (prs.generatedComments[p] as number) + 1;
    }
    finishPullRequests(data, repo, options.commentsBumpPullRequestUpdatedOn);
    repo.updatedOn = repositoryUpdatedOn(repo, options.repositoryUpdatedOnBumpedBy);
    data.repositories.push(repo);
  }
  data.nextCommentId = nextCommentId + 1000;
  generateDeployments(data);
  generateBotActivity(data);
  return data;
}

/** A millisecond time as microseconds with derived sub-millisecond digits (the API prints 6 fraction digits). */
export function toMicros(ms: number, ...salt: readonly number[]): number {
  return Math.floor(ms) * 1000 + (mixAll(...salt, Math.floor(ms)) % 1000);
}

function makeProjects(seed: number, count: number, now: number): Project[] {
  const projects: Project[] = [];
  const used = new Set<string>();
  for (let i = 0; i < Math.max(1, count); i++) {
    const word = at(REPO_WORDS_A, i);
    let key = word.replace(/[^a-z]/g, '').slice(0, 3).toUpperCase();
    if (used.has(key)) key = `${key}${i}`;
    used.add(key);
    projects.push({
      index: i,
      uuid: braceUuidOf(seed, saltOf('project'), i),
      key,
      name: word.charAt(0).toUpperCase() + word.slice(1).replace(/-/g, ' '),
      createdOn: toMicros(now - (2000 - i) * DAY, seed, 2, i),
    });
  }
  return projects;
}

function makeMembers(seed: number, count: number, now: number): Member[] {
  const members: Member[] = [];
  const nicknames = new Set<string>();
  for (let i = 0; i < Math.max(2, count); i++) {
    const first = at(FIRST_NAMES, i + (seed % 7));
    const last = at(LAST_NAMES, i * 7 + 3 + (seed % 5));
    let nickname = `${first.toLowerCase()}${last.charAt(0).toLowerCase()}`;
    if (nicknames.has(nickname)) nickname = `${nickname}${i}`;
    nicknames.add(nickname);
    // Real account ids come in two formats: 24 hex characters and "557058:<uuid>".
    const accountId = i % 2 === 0 ? hexOf(24, seed, saltOf('account'), i) : `557058:${plainUuidOf(seed, saltOf('account'), i)}`;
    members.push({
      index: i,
      uuid: braceUuidOf(seed, saltOf('user'), i),
      accountId,
      displayName: `${first} ${last}`,
      nickname,
      email: `${nickname}@${'acme'}.example`,
      createdOn: toMicros(now - (1900 - i) * DAY, seed, 3, i),
      isAdmin: i === 0,
      active: true,
    });
  }
  return members;
}

function repositoryNames(count: number): string[] {
  const names: string[] = [];
  const combos = REPO_WORDS_A.length * REPO_WORDS_B.length;
  for (let i = 0; i < count; i++) {
    const a = at(REPO_WORDS_A, i);
    const b = at(REPO_WORDS_B, Math.floor(i / REPO_WORDS_A.length) + i);
    const base = `${a}-${b}`;
    names.push(i < combos ? base : `${base}-${Math.floor(i / combos) + 1}`);
  }
  // Keep names unique whatever the modular arithmetic did: a suffixed name can itself collide with a generated
  // one (`a-b-2`), so try suffixes until the name is free.
  const taken = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name}-${n}`;
    taken.add(unique);
    return unique;
  });
}

interface PlannedPullRequest {
  state: number;
  author: number;
  created: number;
  closed: number;
  closedBy: number;
  tip: number;
  dest: number;
  merge: number;
  salt: number;
  closeSource: number;
  reviewers: number[];
}

function makeRepository(data: CloudData, options: GenerateOptions, index: number, name: string): RepositoryState {
  const { seed, size } = options;
  const rng = new Rng(mixAll(seed, 0x5e90, index));
  const key = mixAll(seed, saltOf('repository'), index);
  const now = options.generatedAt;
  const createdMs = now - (60 + rng.int(0, 1400)) * DAY - rng.int(0, DAY);
  const members = data.members.length;
  const commits = new CommitStore();
  const pullRequests = new PullRequestStore();
  const pipelines = new PipelineStore();

  const commitTarget = Math.max(3, Math.round(size.commitsPerRepo * (0.5 + rng.next())));
  let prTarget = Math.max(0, Math.round(size.pullRequestsPerRepo * (0.5 + rng.next())));
  if (index === 0) prTarget = Math.max(prTarget, 5);
  const others = prTarget - Math.round(prTarget * 0.55);
  // Every state occurs wherever there are enough pull requests for it.
  const atLeast = prTarget >= 4 ? 1 : 0;
  const open = Math.max(atLeast, Math.ceil(others * 0.4));
  const declined = Math.max(atLeast, Math.ceil((others - open) * 0.6));
  const superseded = Math.max(atLeast, others - open - declined);
  const merged = Math.max(0, prTarget - open - declined - superseded);

  const sideLengths: number[] = [];
  let mergedCommits = 0;
  for (let m = 0; m < merged; m++) {
    const len = rng.int(1, 3);
    sideLengths.push(len);
    mergedCommits += len + 1;
  }
  const plain = Math.max(2, commitTarget - mergedCommits);
  // The default branch as a sequence of steps: 0 = plain commit, 1 = merge of the next merged pull request.
  const steps = new Uint8Array(plain + merged);
  for (let m = 0; m < merged; m++) steps[steps.length - 1 - m] = 1;
  for (let s = steps.length - 1; s > 1; s--) {
    const j = 1 + Math.floor(rng.next() * s);
    const tmp = steps[s] as number;
    steps[s] = steps[j] as number;
    steps[j] = tmp;
  }
  const endMs = now - rng.int(2 * HOUR, 5 * DAY);
  const span = endMs - createdMs;
  // Expected time units per step: 1 per plain commit, ~0.9 per side commit + 0.75 per merge (see below).
  // The gap adapts as history is written so the last commit lands near `endMs`, never after "now".
  let unitsLeft = plain + sideLengths.reduce((sum, len) => sum + 0.9 * len + 0.75, 0) + 2;
  let gap = span / unitsLeft;

  // Pull requests that are not merged branch off whatever the default branch is when they are created.
  const schedule: { at: number; state: number }[] = [];
  for (let k = 0; k < open; k++) schedule.push({ at: endMs - Math.floor(rng.next() * span * 0.25), state: PrState.Open });
  for (let k = 0; k < declined; k++) schedule.push({ at: createdMs + Math.floor(span * (0.05 + 0.93 * rng.next())), state: PrState.Declined });
  for (let k = 0; k < superseded; k++) schedule.push({ at: createdMs + Math.floor(span * (0.05 + 0.93 * rng.next())), state: PrState.Superseded });
  schedule.sort((a, b) => a.at - b.at);

  const planned: PlannedPullRequest[] = [];
  let head = -1;
  let t = createdMs;
  let nextScheduled = 0;
  let sideIndex = 0;
  const pick = (): number => rng.int(0, members - 1);
  const commitAt = (ms: number, parent: number): number => {
    const floor = parent >= 0 ? commits.time.get(parent) + SECOND : 0;
    return Math.max(Math.floor(ms / SECOND) * SECOND, floor);
  };
  const reviewersFor = (author: number): number[] => {
    const n = rng.int(0, Math.min(3, members - 1));
    const chosen: number[] = [];
    for (let r = 0; r < n; r++) {
      const candidate = pick();
      if (candidate !== author && !chosen.includes(candidate)) chosen.push(candidate);
    }
    return chosen;
  };
  const createUnmerged = (when: number, state: number): void => {
    const author = pick();
    const base = head;
    const count = rng.int(1, 4);
    const prTemp = planned.length + 1;
    const baseTime = commits.time.get(base);
    let parent = base;
    for (let c = 0; c < count; c++) {
      const ms = commitAt(baseTime + ((when - baseTime) * (c + 1)) / (count + 2), parent);
      parent = commits.add(ms, parent, -1, author, CommitKind.Side, prTemp);
    }
    const createdAt = Math.max(when, commits.time.get(parent) + SECOND);
    const reviewers = reviewersFor(author);
    const closedAt = state === PrState.Open ? 0 : Math.min(now - HOUR, createdAt + rng.int(HOUR, 10 * DAY));
    planned.push({
      state,
      author,
      created: toMicros(createdAt, key, prTemp, 1),
      closed: closedAt === 0 ? 0 : toMicros(Math.max(closedAt, createdAt + SECOND), key, prTemp, 2),
      closedBy: state === PrState.Open ? -1 : rng.chance(0.5) ? author : pick(),
      tip: parent,
      dest: base,
      merge: -1,
      salt: rng.int(0, 0x7fffffff),
      closeSource: state !== PrState.Open && rng.chance(0.5) ? 1 : 0,
      reviewers,
    });
  };

  for (let s = 0; s < steps.length; s++) {
    while (head >= 0 && nextScheduled < schedule.length && (schedule[nextScheduled] as { at: number }).at <= t) {
      const item = schedule[nextScheduled++] as { at: number; state: number };
      createUnmerged(item.at, item.state);
    }
    gap = Math.max(SECOND, (endMs - t) / Math.max(1, unitsLeft));
    if (steps[s] === 0 || head < 0) {
      unitsLeft -= 1;
      t += gap * (0.3 + 1.4 * rng.next());
      head = commits.add(commitAt(t, head), head, -1, pick(), CommitKind.Plain, 0);
      continue;
    }
    const author = pick();
    const prTemp = planned.length + 1;
    const base = head;
    let parent = base;
    const len = sideLengths[sideIndex++] ?? 1;
    unitsLeft -= 0.9 * len + 0.75;
    for (let c = 0; c < len; c++) {
      t += gap * (0.3 + 1.2 * rng.next());
      parent = commits.add(commitAt(t, parent), parent, -1, author, CommitKind.Side, prTemp);
    }
    t += gap * (0.1 + 0.3 * rng.next());
    const createdAt = commits.time.get(parent) + SECOND + Math.floor(rng.next() * gap * 0.2);
    t = Math.max(t, createdAt + SECOND) + gap * (0.2 + 0.6 * rng.next());
    const reviewers = reviewersFor(author);
    const closedBy = reviewers.length > 0 ? (reviewers[0] as number) : pick();
    const mergeAt = commitAt(Math.max(t, createdAt + 2 * SECOND), Math.max(head, parent));
    const merge = commits.add(mergeAt, head, parent, closedBy, CommitKind.Merge, prTemp);
    planned.push({
      state: PrState.Merged,
      author,
      created: toMicros(createdAt, key, prTemp, 1),
      closed: toMicros(mergeAt, key, prTemp, 2),
      closedBy,
      tip: parent,
      dest: head,
      merge,
      salt: rng.int(0, 0x7fffffff),
      closeSource: rng.chance(0.7) ? 1 : 0,
      reviewers,
    });
    head = merge;
    t = mergeAt;
  }
  while (nextScheduled < schedule.length) {
    const item = schedule[nextScheduled++] as { at: number; state: number };
    createUnmerged(Math.max(item.at, commits.time.get(head) + SECOND), item.state);
  }

  // Pull request ids follow creation order.
  const order = planned.map((_, i) => i).sort((a, b) => (planned[a] as PlannedPullRequest).created - (planned[b] as PlannedPullRequest).created);
  const idOfTemp = new Int32Array(planned.length + 1);
  order.forEach((tempIndex, newIndex) => {
    idOfTemp[tempIndex + 1] = newIndex + 1;
  });
  for (let c = 0; c < commits.length; c++) {
    const temp = commits.pr.get(c);
    if (temp > 0) commits.pr.set(c, idOfTemp[temp] as number);
  }
  const repoSalt = key;
  for (const tempIndex of order) {
    const p = planned[tempIndex] as PlannedPullRequest;
    pullRequests.state.push(p.state);
    pullRequests.author.push(p.author);
    pullRequests.created.push(p.created);
    pullRequests.updated.push(p.closed || p.created);
    pullRequests.closed.push(p.closed);
    pullRequests.closedBy.push(p.closedBy);
    pullRequests.tip.push(p.tip);
    pullRequests.dest.push(p.dest);
    pullRequests.merge.push(p.merge);
    pullRequests.salt.push(p.salt);
    pullRequests.closeSource.push(p.closeSource);
    pullRequests.reviewers.push(p.reviewers);
    pullRequests.commentBase.push(0);
    pullRequests.generated.push(1);
    pullRequests.generatedComments.push(countGeneratedComments(seed, repoSalt, p.salt, data.maxGeneratedComments));
  }
  if (index === 0) forceEveryPullRequestState(pullRequests);

  const repo: RepositoryState = {
    index,
    key,
    uuid: braceUuidOf(seed, saltOf('repo-uuid'), index),
    slug: name,
    name,
    project: index % Math.max(1, data.projects.length),
    description: rng.chance(0.6) ? `The ${name.replace(/-/g, ' ')} of Acme.` : '',
    language: at(LANGUAGES, rng.int(0, LANGUAGES.length - 1)),
    isPrivate: rng.chance(0.9),
    mainbranch: rng.chance(0.8) ? 'main' : 'master',
    createdOn: toMicros(createdMs - HOUR, key, 7),
    updatedOn: 0,
    deleted: false,
    head,
    commits,
    pullRequests,
    pipelines,
    version: 0,
  };
  makePipelines(rng, repo, size.pipelinesPerRepo, now, members, index === 0);
  return repo;
}

/**
 * The first repository carries every pull request state so that even `tiny` covers them: the last four pull
 * requests that are not merged become OPEN, DECLINED, SUPERSEDED (in that order of preference).
 */
function forceEveryPullRequestState(prs: PullRequestStore): void {
  const present = new Set(prs.state);
  for (const wanted of [PrState.Open, PrState.Declined, PrState.Superseded] as number[]) {
    if (present.has(wanted)) continue;
    for (let i = 0; i < prs.length; i++) {
      const current = prs.state[i] as number;
      if (current === PrState.Merged) continue;
      if (prs.state.filter((s) => s === current).length < 2) continue;
      prs.state[i] = wanted;
      if (wanted === PrState.Open) {
        prs.closed[i] = 0;
        prs.closedBy[i] = -1;
        prs.closeSource[i] = 0;
      } else if (prs.closed[i] === 0) {
        prs.closed[i] = (prs.created[i] as number) + 3_600_000_000;
        prs.closedBy[i] = prs.author[i] as number;
      }
      present.add(wanted);
      break;
    }
  }
}

function finishPullRequests(data: CloudData, repo: RepositoryState, commentsBump: boolean): void {
  const prs = repo.pullRequests;
  for (let i = 0; i < prs.length; i++) {
    const events = generatedEvents(data, repo, i);
    let updated = prs.created[i] as number;
    for (const event of events) {
      if (commentsBump || event.kind === 'update') updated = Math.max(updated, event.at);
    }
    prs.updated[i] = Math.max(updated, prs.closed[i] as number);
  }
}

function makePipelines(rng: Rng, repo: RepositoryState, mean: number, now: number, members: number, coverAll: boolean): void {
  const commits = repo.commits;
  let count = Math.round(mean * (0.5 + rng.next()));
  if (coverAll) count = Math.max(count, 8);
  count = Math.min(count, commits.length);
  if (count === 0) return;
  // The most recent pushes get pipelines: pick `count` commits among the last 3*count by time.
  const byTime = Array.from({ length: commits.length }, (_, i) => i).sort((a, b) => commits.time.get(a) - commits.time.get(b));
  const window = byTime.slice(Math.max(0, byTime.length - count * 3));
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(window[Math.floor(rng.next() * window.length)] as number);
  const targets = [...chosen].sort((a, b) => commits.time.get(a) - commits.time.get(b) || a - b);
  const p = repo.pipelines;
  let last = 0;
  targets.forEach((commit, k) => {
    const created = Math.max(commits.time.get(commit) + rng.int(5, 120) * SECOND + rng.int(0, 999), last + SECOND);
    last = created;
    const duration = rng.int(30, 1200) * SECOND + rng.int(0, 999);
    const r = rng.next();
    const result = r < 0.7 ? 1 : r < 0.88 ? 2 : r < 0.94 ? 3 : r < 0.98 ? 4 : 5;
    const fromEnd = count - 1 - k;
    let state = 3;
    let finalResult = result;
    if (created + duration > now - 60 * SECOND && fromEnd < 2) state = fromEnd === 0 ? 0 : 1;
    if (coverAll && fromEnd < 5) {
      state = [0, 1, 2, 3, 3][fromEnd] as number;
      finalResult = fromEnd === 3 ? 4 : 3;
    }
    const t = rng.next();
    const trigger = t < 0.8 ? 0 : t < 0.95 ? 1 : 2;
    const prOwner = commits.pr.get(commit);
    const onBranch = commits.kind.get(commit) === CommitKind.Side ? prOwner - 1 : -1;
    p.created.push(Math.min(created, now - 5 * SECOND));
    p.completed.push(state === 3 ? Math.min(created + duration, now - SECOND) : 0);
    p.state.push(state);
    p.result.push(state === 3 ? finalResult : 0);
    p.trigger.push(trigger);
    p.commit.push(commit);
    p.pr.push(onBranch);
    p.creator.push(trigger === 0 ? commits.author.get(commit) : rng.int(0, members - 1));
  });
}

function repositoryUpdatedOn(repo: RepositoryState, bumpedBy: GenerateOptions['repositoryUpdatedOnBumpedBy']): number {
  const lastPush = toMicros(repo.commits.time.get(repo.head) + 2 * SECOND, repo.key, 9);
  if (bumpedBy === 'nothing') return repo.createdOn + 3_600_000_000;
  if (bumpedBy === 'pushes') return lastPush;
  return Math.max(lastPush, ...repo.pullRequests.updated);
}
