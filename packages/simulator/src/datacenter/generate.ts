/**
 * Deterministic dataset generation: the same seed and size give the same projects, repositories, commits, pull
 * requests and users on every machine. Each repository draws from its own forked generator, so one repository's
 * history does not shift when another's size changes.
 */
import type { SimSize } from '../api.js';
import type { SimClock } from '../clock.js';
import { Rng } from '../rng.js';
import { Dataset } from './dataset.js';
import { generateTags } from './tags.js';
import { branchRef, type PersonCode, type PullRequestState, type RepositoryRecord } from './model.js';
import { pullRequestBranch } from './names.js';
import { EXTERNAL_AUTHORS, FIRST_NAMES, LAST_NAMES, PROJECT_WORDS, REPO_WORDS } from './words.js';

const DAY = 86_400_000;
/** History spans this long before "now". */
const HISTORY_MS = 400 * DAY;

/** Builds the dataset for a seed and size; timestamps end shortly before `clock.now()`. */
export function generateDataset(seed: number, size: SimSize, clock: SimClock): Dataset {
  const ds = new Dataset(seed, clock);
  const rng = new Rng(seed);
  generateUsers(ds, rng.fork('users'), Math.max(3, size.members));
  generateProjects(ds, rng.fork('projects'), Math.max(1, size.projects));
  const empty = generateRepositories(ds, rng.fork('repositories'), Math.max(0, size.repositories));
  const end = clock.now() - 60_000;
  for (const repository of ds.repositories) {
    if (!empty.has(repository.idx)) {
      generateHistory(ds, rng.fork(`history:${repository.idx}`), repository, size, end - HISTORY_MS, end);
    }
  }
  ds.sealGeneration();
  generateTags(ds);
  // A service user (a CI bot), after sealing: derived records name only the users before it. It comments and
  // approves through the control API.
  ds.users.push({ idx: ds.users.length, id: Math.max(...ds.users.map((u) => u.id)) + 1, name: 'ci-bot', slug: 'ci-bot', displayName: 'CI Bot', emailAddress: 'ci-bot@example.com', password: `pw-ci-bot-${rng.fork('bot').hex(8)}`, sysAdmin: false, deleted: false, service: true });
  return ds;
}

function generateUsers(ds: Dataset, rng: Rng, count: number): void {
  ds.users.push({ idx: 0, id: 1, name: 'admin', slug: 'admin', displayName: 'Administrator', emailAddress: 'admin@example.com', password: `pw-admin-${rng.hex(8)}`, sysAdmin: true, deleted: false });
  const taken = new Set(['admin']);
  let id = 1;
  for (let i = 1; i < count; i++) {
    const first = FIRST_NAMES[(i - 1) % FIRST_NAMES.length] as string;
    const last = rng.pick(LAST_NAMES);
    let slug = `${first}.${last}`.toLowerCase();
    for (let n = 2; taken.has(slug); n++) slug = `${first}.${last}${n}`.toLowerCase();
    taken.add(slug);
    id += rng.int(1, 3);
    ds.users.push({ idx: i, id, name: slug, slug, displayName: `${first} ${last}`, emailAddress: `${slug}@example.com`, password: `pw-${slug}-${rng.hex(8)}`, sysAdmin: false, deleted: false });
  }
}

function generateProjects(ds: Dataset, rng: Rng, count: number): void {
  const words = [...PROJECT_WORDS];
  for (let i = words.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [words[i], words[j]] = [words[j] as (typeof words)[number], words[i] as (typeof words)[number]];
  }
  const keys = new Set<string>();
  let id = 0;
  for (let i = 0; i < count; i++) {
    const word = words[i % words.length] as string;
    const round = Math.floor(i / words.length);
    const name = round === 0 ? word : `${word} ${round + 1}`;
    let key = word.slice(0, 4).toUpperCase() + (round === 0 ? '' : String(round + 1));
    for (let n = 2; keys.has(key); n++) key = `${word.slice(0, 3).toUpperCase()}${n}`;
    keys.add(key);
    id += rng.int(1, 4);
    ds.projects.push({ idx: i, id, key, name, description: `Repositories of the ${name} team`, restricted: false, writers: new Set(), deleted: false });
  }
  const ordered = ds.orderedProjects();
  const regularUser = 1;
  ordered.forEach((project, position) => {
    // The second project by name is always restricted, so a regular user's `projects?limit=1` skips it and answers
    // nextPageStart 2, as recorded on a real server ("not necessarily the start of the last page plus its size").
    project.restricted = position === 1 || (position > 1 && rng.chance(0.1));
    for (const user of ds.users) if (user.idx > 1 && rng.chance(0.3)) project.writers.add(user.idx);
    if (!project.restricted && position === 0) project.writers.add(regularUser);
    if (project.restricted && project.writers.size === 0 && ds.users.length > 2) project.writers.add(2);
  });
  ds.invalidate();
}

/** Creates the repositories; returns the indexes of those that stay empty (never pushed to). */
function generateRepositories(ds: Dataset, rng: Rng, count: number): Set<number> {
  const ordered = ds.orderedProjects();
  const empties = new Set<number>();
  const slugs = new Set<string>();
  let id = 0;
  for (let i = 0; i < count; i++) {
    const project = i < ordered.length ? (ordered[i] as (typeof ordered)[number]) : rng.pick(ordered);
    let words: string[] = [rng.pick(REPO_WORDS), rng.pick(REPO_WORDS)];
    if (words[0] === words[1]) words = [words[0] as string];
    let slug = words.join('-');
    for (let n = 2; slugs.has(`${project.key}/${slug}`); n++) slug = `${words.join('-')}-${n}`;
    slugs.add(`${project.key}/${slug}`);
    const name = slug.split('-').map((w, k) => (k === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
    const roll = rng.next();
    const defaultBranch = branchRef(roll < 0.85 ? 'main' : roll < 0.95 ? 'master' : 'develop');
    id += rng.int(1, 3);
    ds.repositories.push({ idx: i, id, projectIdx: project.idx, slug, name, hierarchyId: rng.hex(20), defaultBranch, generatedDefaultBranch: defaultBranch, commits: [], branches: new Map(), pullRequests: [], nextPullRequestId: 1, deleted: false });
    // Some repositories were created and never pushed to: `branches/default` answers 204 for them.
    if (i > 0 && count >= 4 && (i === count - 1 || rng.chance(0.03))) empties.add(i);
  }
  ds.invalidate();
  return empties;
}

function pickAuthor(ds: Dataset, rng: Rng): PersonCode {
  if (rng.chance(0.12)) return -(rng.int(0, EXTERNAL_AUTHORS.length - 1) + 1);
  return rng.int(1, ds.users.length - 1);
}

const seconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

interface PlannedPullRequest {
  created: number;
  state: PullRequestState;
  closed: number;
  updated: number;
  commits: number;
  late: number;
  author: number;
  row: number;
  tip: number;
}

/** Mainline commits, pull requests with their source commits, and merge commits for merged pull requests. */
function generateHistory(ds: Dataset, rng: Rng, repository: RepositoryRecord, size: SimSize, start: number, end: number): void {
  const project = ds.projects[repository.projectIdx];
  if (!project) return;
  const span = end - start;
  const targetCommits = Math.max(1, Math.round(size.commitsPerRepo * (0.5 + rng.next())));
  const prCount = Math.max(0, Math.round(size.pullRequestsPerRepo * (0.5 + rng.next())));
  const planned: PlannedPullRequest[] = [];
  for (let k = 0; k < prCount; k++) planned.push({ created: start + 1000 + rng.next() * (span - 2000), state: 'OPEN', closed: Number.NaN, updated: 0, commits: rng.int(1, 4), late: 0, author: rng.int(1, ds.users.length - 1), row: -1, tip: -1 });
  planned.sort((a, b) => a.created - b.created);
  let mergedCommits = 0;
  for (const pr of planned) {
    const age = (pr.created - start) / span;
    const roll = rng.next();
    pr.state = roll < (age > 0.9 ? 0.6 : 0.08) ? 'OPEN' : rng.chance(0.8) ? 'MERGED' : 'DECLINED';
    const room = end - pr.created;
    if (pr.state === 'OPEN') {
      pr.updated = rng.chance(0.25) ? pr.created : pr.created + rng.next() * room;
    } else {
      pr.closed = pr.created + Math.min(600_000 + rng.next() ** 3 * 14 * DAY, room * 0.9);
      pr.updated = rng.chance(0.9) ? pr.closed : pr.closed + rng.next() * Math.min(3 * DAY, end - pr.closed);
    }
    const activeEnd = pr.state === 'OPEN' ? pr.updated : pr.closed;
    if (activeEnd - pr.created > 10_000 && pr.commits > 1) pr.late = rng.int(0, pr.commits - 1);
    if (pr.state === 'MERGED') mergedCommits += pr.commits + 1;
  }
  const plainCount = Math.max(1, targetCommits - mergedCommits);
  // Events: 0 = mainline commit, 1 = pull request opened, 2 = pull request merged. Kept as parallel arrays.
  const times: number[] = [start];
  const kinds: number[] = [0];
  const refs: number[] = [-1];
  for (let k = 1; k < plainCount; k++) {
    times.push(start + rng.next() * span);
    kinds.push(0);
    refs.push(-1);
  }
  planned.forEach((pr, k) => {
    times.push(pr.created);
    kinds.push(1);
    refs.push(k);
    if (pr.state === 'MERGED') {
      times.push(pr.closed);
      kinds.push(2);
      refs.push(k);
    }
  });
  const order = times.map((_, k) => k).sort((a, b) => (times[a] as number) - (times[b] as number) || (kinds[a] as number) - (kinds[b] as number));
  const commits = ds.commits;
  let tip = -1;
  let lastTime = start;
  for (const e of order) {
    const t = times[e] as number;
    const kind = kinds[e] as number;
    if (kind === 0) {
      const author = pickAuthor(ds, rng);
      const committer = rng.chance(0.1) ? pickAuthor(ds, rng) : author;
      tip = commits.add(repository, { parent1: tip, parent2: -1, author, committer, authorTime: seconds(t), commitTime: seconds(t) });
      lastTime = t;
      continue;
    }
    const pr = planned[refs[e] as number] as PlannedPullRequest;
    if (kind === 1) {
      const localId = repository.nextPullRequestId++;
      const first = commits.count;
      const early = pr.commits - pr.late;
      const activeEnd = pr.state === 'OPEN' ? pr.updated : pr.closed;
      let parent = tip;
      for (let c = 0; c < pr.commits; c++) {
        const at = c < early ? lastTime + ((pr.created - lastTime) * (c + 1)) / (early + 1) : pr.created + ((activeEnd - pr.created) * (c - early + 1)) / (pr.late + 1);
        parent = commits.add(repository, { parent1: parent, parent2: -1, author: pr.author, committer: pr.author, authorTime: seconds(at), commitTime: seconds(at) });
      }
      pr.tip = parent;
      pr.row = ds.pullRequests.add({ repo: repository.idx, localId, state: pr.state, author: pr.author, created: Math.round(pr.created), updated: Math.round(pr.updated), closed: Number.isNaN(pr.closed) ? Number.NaN : Math.round(pr.closed), commitFirst: first, commitCount: pr.commits, mergeCommit: -1 });
      repository.pullRequests.push(pr.row);
      if (pr.state !== 'MERGED') repository.branches.set(branchRef(pullRequestBranch(ds.seed, pr.row, project.key, localId)), pr.tip);
    } else {
      const merger = rng.int(1, ds.users.length - 1);
      tip = commits.add(repository, { parent1: tip, parent2: pr.tip, author: merger, committer: merger, authorTime: seconds(t), commitTime: seconds(t), mergedPullRequest: pr.row });
      ds.pullRequests.mergeCommit.set(pr.row, tip);
      lastTime = t;
    }
  }
  repository.branches.set(repository.defaultBranch, tip);
  if (rng.chance(0.2)) {
    let older = tip;
    for (let steps = rng.int(1, 10); steps > 0 && commits.parent1.get(older) >= 0; steps--) older = commits.parent1.get(older);
    repository.branches.set(branchRef('release/1.x'), older);
  }
}
