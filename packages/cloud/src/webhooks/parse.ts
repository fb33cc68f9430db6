/**
 * Turns a Bitbucket Cloud webhook delivery into the records the streams write, so webhook-driven and
 * polled data merge by the same primary keys. Payloads are `{actor, pullrequest, repository}` (comment
 * events add `comment`, approvals `approval`, change requests `changes_request`); the pull request object
 * includes `reviewers` and `participants`. Records are trimmed to the fields the streams keep.
 */
import { BbsyncError } from '@bbsync/core';
import { ACTIVITY_FIELDS, COMMENT_FIELDS, PULL_REQUEST_FIELDS } from '../fields.js';
import { project } from '../project.js';
import type { CloudUser } from '../records.js';
import { activityKey, PULL_REQUEST_ACTIVITY, PULL_REQUEST_COMMENTS, PULL_REQUESTS } from '../streams/pull-requests/keys.js';

/** One record for one output stream. */
export interface WebhookRecord {
  readonly stream: string;
  readonly record: Record<string, unknown>;
}

export interface WebhookEvent {
  /** `X-Event-Key`, e.g. `pullrequest:approved`. */
  readonly event: string;
  /** `X-Request-UUID`: the delivery id (retries repeat it). */
  readonly requestUuid: string | undefined;
  /** `X-Hook-UUID`. */
  readonly hookUuid: string | undefined;
  /** `X-Attempt-Number`. */
  readonly attempt: number | undefined;
  readonly repositoryUuid: string | undefined;
  /** `workspace/slug` (`repository.full_name`), the partition name. */
  readonly repositoryName: string | undefined;
  readonly pullRequestId: number | undefined;
  /** The records this delivery yields (none for events bbsync does not map). */
  readonly records: readonly WebhookRecord[];
  /** Records this delivery removes, by output stream and primary key (a withdrawn approval). */
  readonly deletions: readonly { readonly stream: string; readonly key: string }[];
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

interface Payload {
  readonly pullrequest?: Record<string, unknown> & { id?: number; title?: string; links?: { self?: unknown; html?: unknown } };
  readonly repository?: { uuid?: string; full_name?: string };
  readonly comment?: Record<string, unknown>;
  readonly approval?: { date?: string; user?: CloudUser };
  readonly changes_request?: { date?: string; user?: CloudUser };
  readonly actor?: CloudUser;
}

/**
 * Parses a delivery. Header names are matched case-insensitively. Throws `bad_response` when the body is
 * not a JSON object (verify the signature first: {@link verifySignature}).
 */
export function parseWebhookEvent(headers: Headers, rawBody: Buffer | string): WebhookEvent {
  const header = (name: string): string | undefined => {
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
    }
    return undefined;
  };
  let payload: Payload;
  try {
    const parsed: unknown = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    payload = parsed as Payload;
  } catch (error) {
    throw new BbsyncError('bad_response', 'Webhook body is not a JSON object', { cause: error, disposition: 'skippable' });
  }
  const event = header('x-event-key') ?? '';
  const attempt = Number(header('x-attempt-number'));
  const repositoryUuid = payload.repository?.uuid;
  const pr = payload.pullrequest;
  const base = {
    event,
    requestUuid: header('x-request-uuid'),
    hookUuid: header('x-hook-uuid'),
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : undefined,
    repositoryUuid,
    repositoryName: payload.repository?.full_name,
    pullRequestId: pr?.id,
  };
  if (!event.startsWith('pullrequest:') || pr?.id === undefined || repositoryUuid === undefined) return { ...base, records: [], deletions: [] };

  const scope = { repository_uuid: repositoryUuid };
  const child = { ...scope, pull_request_id: pr.id };
  const reference = { type: 'pullrequest', id: pr.id };
  const records: WebhookRecord[] = [{ stream: PULL_REQUESTS, record: { ...(project(pr, PULL_REQUEST_FIELDS) as object), ...scope } }];
  const activity = (item: Record<string, unknown>): WebhookRecord => ({
    stream: PULL_REQUEST_ACTIVITY,
    record: { ...(project({ ...item, pull_request: reference }, ACTIVITY_FIELDS) as object), ...child },
  });

  const deletions: { stream: string; key: string }[] = [];
  switch (event) {
    case 'pullrequest:unapproved':
      // The payload's approval is the one withdrawn: the log drops it, so does the activity output.
      if (payload.approval?.date !== undefined) {
        const item = { approval: { date: payload.approval.date, user: payload.approval.user ?? payload.actor } };
        deletions.push({ stream: PULL_REQUEST_ACTIVITY, key: activityKey({ ...item, ...child }) });
      }
      break;
    case 'pullrequest:changes_request_removed':
      // Like a withdrawn approval: the activity log no longer lists the change request.
      if (payload.changes_request?.date !== undefined) {
        const item = { changes_request: { date: payload.changes_request.date, user: payload.changes_request.user ?? payload.actor } };
        deletions.push({ stream: PULL_REQUEST_ACTIVITY, key: activityKey({ ...item, ...child }) });
      }
      break;
    case 'pullrequest:approved':
      if (payload.approval !== undefined) {
        const approval = { date: payload.approval.date, pullrequest: reference, user: payload.approval.user ?? payload.actor };
        records.push(activity({ approval }));
      }
      break;
    case 'pullrequest:changes_request_created':
      if (payload.changes_request !== undefined) {
        const request = { date: payload.changes_request.date, pullrequest: reference, user: payload.changes_request.user ?? payload.actor };
        records.push(activity({ changes_request: request }));
      }
      break;
    case 'pullrequest:comment_created':
    case 'pullrequest:comment_updated':
    case 'pullrequest:comment_deleted':
    case 'pullrequest:comment_resolved':
    case 'pullrequest:comment_reopened':
      if (payload.comment !== undefined) {
        const comment = { ...(project({ ...payload.comment, pullrequest: payload.comment.pullrequest ?? reference }, COMMENT_FIELDS) as object) };
        if (event === 'pullrequest:comment_deleted') (comment as { deleted?: boolean }).deleted = true;
        records.push({ stream: PULL_REQUEST_COMMENTS, record: { ...comment, ...child } });
        records.push(activity({ comment: { ...payload.comment, pullrequest: payload.comment.pullrequest ?? reference } }));
      }
      break;
    default:
      break;
  }
  return { ...base, records, deletions };
}
