/**
 * Pull request activity: generated events are derived from the seed and the pull request's columns (never
 * stored); events added through the control API are stored per pull request and merged in.
 */
import { Rng } from '../../rng.js';
import { mixAll } from './hash.js';
import { PR_STATES, PrState, type AddedEvent, type CloudData, type PullRequestState, type RepositoryState } from './store.js';
import { COMMENT_TEXTS, FILE_PATHS, at } from './words.js';

const DAY_US = 86_400_000_000;

/** One activity event of a pull request. `at` is microseconds since the epoch. */
export interface PrEvent {
  readonly kind: AddedEvent['kind'];
  readonly at: number;
  readonly user: number;
  readonly state?: PullRequestState;
  readonly commentId?: number;
  readonly text?: string;
  readonly inline?: { readonly path: string; readonly to: number };
  readonly parentId?: number;
  readonly title?: string;
  readonly previousTitle?: string;
}

/** How many comments a generated pull request has (drawn separately so ids can be assigned first). */
export function countGeneratedComments(seed: number, repoKey: number, prSalt: number, max: number): number {
  const r = new Rng(mixAll(seed, repoKey, prSalt, 77)).next();
  // Mostly few comments, sometimes many.
  return Math.floor(r * r * (max + 1));
}

/**
 * The generated events of pull request `index` (0-based), oldest first. They are drawn only from values
 * that never change (seed, salt, creation time, author, and the generation-time state, closing and reviewers
 * kept in `seedOf`), so control calls add events but never move these.
 */
export function generatedEvents(data: CloudData, repo: RepositoryState, index: number): PrEvent[] {
  const prs = repo.pullRequests;
  const created = prs.created[index] as number;
  if (prs.generated[index] !== 1) return [{ kind: 'update', at: created, user: prs.author[index] as number, state: 'OPEN' }];
  const rng = new Rng(mixAll(data.seed, repo.key, prs.salt[index] as number));
  const seed = prs.seedOf(index);
  const closed = seed.closed;
  const state = seed.state;
  const author = prs.author[index] as number;
  const reviewers = seed.reviewers;
  const memberCount = data.generatedMembers ?? data.members.length;
  const generatedAtUs = data.generatedAt * 1000;
  const openSpan = Math.max(0, Math.min(generatedAtUs - created - 1_000_000, 14 * DAY_US));
  // Draw every random number unconditionally so the sequence never depends on the branch taken.
  const openEnd = created + Math.floor(rng.next() * openSpan);
  const end = closed > 0 ? closed : openEnd;
  const span = Math.max(1000, end - created);
  const events: PrEvent[] = [{ kind: 'update', at: created, user: author, state: 'OPEN' }];
  const comments = prs.generatedComments[index] as number;
  const base = prs.commentBase[index] as number;
  const people = [author, ...reviewers];
  const commentTimes: number[] = [];
  const postClose = closed > 0 && rng.chance(0.1);
  for (let j = 0; j < comments; j++) commentTimes.push(created + Math.floor(span * (0.05 + 0.9 * rng.next())));
  if (postClose && comments > 0) {
    // Somebody comments on an already closed pull request (it happens, and bumps updated_on).
    commentTimes[comments - 1] = Math.min(closed + Math.floor(rng.next() * 3 * DAY_US) + 1000, generatedAtUs - 1_000_000);
  }
  commentTimes.sort((a, b) => a - b);
  for (let j = 0; j < comments; j++) {
    // Members at generation only: members and bots added later must not rewrite generated history.
    const user = rng.chance(0.15) ? rng.int(0, memberCount - 1) : at(people, rng.int(0, people.length - 1));
    const inline = rng.chance(0.4) ? { path: at(FILE_PATHS, rng.int(0, 99)), to: rng.int(1, 400) } : undefined;
    const parentPick = rng.int(0, Math.max(0, j - 1));
    const reply = j > 0 && rng.chance(0.25);
    events.push({
      kind: 'comment',
      at: Math.max(created + 1, commentTimes[j] as number),
      user,
      commentId: base + j,
      text: at(COMMENT_TEXTS, rng.int(0, 999)),
      ...(inline ? { inline } : {}),
      ...(reply ? { parentId: base + parentPick } : {}),
    });
  }
  for (const reviewer of reviewers) {
    const approves = rng.chance(state === PrState.Merged ? 0.7 : 0.35);
    const when = created + Math.floor(span * (0.5 + 0.45 * rng.next()));
    if (approves) events.push({ kind: 'approval', at: when, user: reviewer });
  }
  const requestChanges = reviewers.length > 0 && rng.chance(0.15);
  const requester = at(reviewers.length > 0 ? reviewers : [author], rng.int(0, 99));
  const requestAt = created + Math.floor(span * (0.2 + 0.3 * rng.next()));
  if (requestChanges) events.push({ kind: 'changes_request', at: requestAt, user: requester });
  const edited = rng.chance(0.3);
  const editAt = created + Math.floor(span * (0.1 + 0.5 * rng.next()));
  if (edited) events.push({ kind: 'update', at: editAt, user: author, state: 'OPEN' });
  if (closed > 0) {
    events.push({ kind: 'update', at: closed, user: seed.closedBy, state: PR_STATES[state] as PullRequestState });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** All events (generated and added), oldest first. */
export function pullRequestEvents(data: CloudData, repo: RepositoryState, index: number): PrEvent[] {
  const generated = generatedEvents(data, repo, index);
  const added = repo.pullRequests.added.get(index);
  if (!added || added.length === 0) return generated;
  return [...generated, ...added].sort((a, b) => a.at - b.at);
}
