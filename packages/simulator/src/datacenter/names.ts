/** Names and texts derived from numbers, so they need no storage and never shift when other data changes. */
import { unitFrom } from './hash.js';
import { COMMENTS, OBJECTS, REPO_WORDS, VERBS } from './words.js';

function pickFrom<T>(items: readonly T[], unit: number): T {
  return items[Math.min(items.length - 1, Math.floor(unit * items.length))] as T;
}

/** Source branch display id of a generated pull request. */
export function pullRequestBranch(seed: number, row: number, projectKey: string, localId: number): string {
  return `feature/${projectKey}-${100 + localId}-${pickFrom(REPO_WORDS, unitFrom(seed, row, 11))}`;
}

/** Title of a generated pull request. */
export function pullRequestTitle(seed: number, row: number, projectKey: string, localId: number): string {
  return `${pickFrom(VERBS, unitFrom(seed, row, 12))} ${pickFrom(OBJECTS, unitFrom(seed, row, 13))} (${projectKey}-${100 + localId})`;
}

/** Description of a generated pull request ('' for none: the API then omits the field). */
export function pullRequestDescription(seed: number, row: number): string {
  if (unitFrom(seed, row, 14) < 0.4) return '';
  return `This change ${pickFrom(OBJECTS, unitFrom(seed, row, 15))} handling.\n\n* ${pickFrom(VERBS, unitFrom(seed, row, 16))} ${pickFrom(OBJECTS, unitFrom(seed, row, 17))}`;
}

/** Message of an ordinary generated commit. */
export function commitMessage(seed: number, row: number): string {
  const subject = `${pickFrom(VERBS, unitFrom(seed, row, 21))} ${pickFrom(OBJECTS, unitFrom(seed, row, 22))}`;
  return unitFrom(seed, row, 23) < 0.3 ? `${subject}\n\nSee the design notes for details.` : subject;
}

/** Comment text. */
export function commentText(seed: number, salt: number): string {
  return pickFrom(COMMENTS, unitFrom(seed, salt, 31));
}
