/**
 * Bot accounts: Bitbucket Cloud shows an access token's (or an app's) actions under an account of type
 * `app_user` (spec: `app_user` extends `account` with `account_id`, `account_status`, `kind`). Bots are kept
 * with the members (so activity events can name them by index) but are never workspace members (inactive,
 * never picked at random). Generation gives the first repository's newest merged pull requests a bot comment
 * and a bot approval, before the merge, so nothing else (updated_on, ids of generated comments) moves.
 */
import { braceUuidOf, plainUuidOf, saltOf } from './hash.js';
import { PrState, type CloudData, type Member } from './store.js';

export const BOT_NICKNAME = 'bbsync-ci-bot';

/** Adds a bot account; returns its member index. */
export function addBot(data: CloudData, displayName: string): number {
  const index = data.members.length;
  const member: Member = {
    index,
    uuid: braceUuidOf(data.seed, saltOf('bot'), index),
    accountId: `712020:${plainUuidOf(data.seed, saltOf('bot-account'), index)}`,
    displayName,
    nickname: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    email: '',
    createdOn: data.workspace.createdOn,
    isAdmin: false,
    active: false,
    accountType: 'app_user',
  };
  data.members.push(member);
  return index;
}

/** The generated bot and its activity (see the module comment). */
export function generateBotActivity(data: CloudData): void {
  const bot = addBot(data, 'CI Bot');
  const repo = data.repositories[0];
  if (repo === undefined) return;
  const prs = repo.pullRequests;
  let touched = 0;
  for (let i = prs.length - 1; i >= 0 && touched < 2; i--) {
    if (prs.state[i] !== PrState.Merged) continue;
    const created = prs.created[i] as number;
    const closed = prs.closed[i] as number;
    if (closed - created < 10_000_000) continue;
    const commentAt = created + Math.floor((closed - created) / 3);
    const approveAt = created + Math.floor(((closed - created) * 2) / 3);
    const list = prs.added.get(i) ?? [];
    list.push({ kind: 'comment', at: commentAt, user: bot, commentId: data.nextCommentId++, text: 'Build passed: 42 tests, coverage 87%.' });
    list.push({ kind: 'approval', at: approveAt, user: bot });
    prs.added.set(i, list);
    touched++;
  }
}
