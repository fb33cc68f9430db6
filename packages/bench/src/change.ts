/**
 * "1% of the data changed": through the simulator's control API, a seeded choice of about `fraction` of the
 * pull requests get a new comment, a review, new commits, or are merged or declined, and about `fraction` of
 * the repositories get new default-branch commits. Runs inside the simulator process.
 */
import type { ChangeSummary } from './protocol.js';

/** A seeded PRNG (mulberry32), so the same seed changes the same records on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks `count` distinct indexes below `total`, seeded. */
export function pickIndexes(total: number, count: number, random: () => number): number[] {
  const chosen = new Set<number>();
  const wanted = Math.min(total, Math.max(0, count));
  while (chosen.size < wanted) chosen.add(Math.floor(random() * total));
  return [...chosen].sort((a, b) => a - b);
}

/** How many of `total` make `fraction`, at least one when there is anything. */
export function shareOf(total: number, fraction: number): number {
  return total === 0 ? 0 : Math.max(1, Math.round(total * fraction));
}

/** A pull request as the change planner sees it, API-neutral. */
export interface ChangeablePullRequest {
  readonly open: boolean;
  readonly author: string | undefined;
}

/** What to do to one pull request. */
export type PullRequestChange = 'comment' | 'review' | 'push' | 'merge' | 'decline';

/** Chooses a change for a pull request: open ones may get anything, closed ones a comment. */
export function choosePullRequestChange(pr: ChangeablePullRequest, random: () => number): PullRequestChange {
  if (!pr.open) return 'comment';
  const roll = random();
  if (roll < 0.4) return 'comment';
  if (roll < 0.6) return 'review';
  if (roll < 0.8) return 'push';
  return roll < 0.9 ? 'merge' : 'decline';
}

/** Tallies changes for the report (`12 comment`, …). */
export class ChangeTally {
  readonly #counts = new Map<string, number>();
  operations = 0;

  count(what: string): void {
    this.operations += 1;
    this.#counts.set(what, (this.#counts.get(what) ?? 0) + 1);
  }

  summary(): ChangeSummary {
    return { operations: this.operations, what: [...this.#counts].map(([what, n]) => `${n} ${what}`) };
  }
}
