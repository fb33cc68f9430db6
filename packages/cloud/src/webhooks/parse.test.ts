import { describe, expect, it } from 'vitest';
import { activityKey, pullRequestKey } from '../streams/pull-requests/keys.js';
import { parseWebhookEvent } from './parse.js';

const user = { uuid: '{u1}', display_name: 'Ana', account_id: 'a1', nickname: 'ana', type: 'user', links: { self: { href: 'x' } } };
const pullrequest = {
  id: 7,
  title: 'T',
  state: 'OPEN',
  updated_on: '2026-01-01T00:00:00.000000+00:00',
  created_on: '2026-01-01T00:00:00.000000+00:00',
  links: { html: { href: 'https://bitbucket.org/acme/r/pull-requests/7' } },
  source: { commit: { hash: 'abcdefabcdef' }, repository: { uuid: '{r}', full_name: 'acme/r' } },
  reviewers: [user],
};

describe('parseWebhookEvent', () => {
  it('an approval becomes the pull request and the approval activity, keyed as the streams key them', () => {
    const body = JSON.stringify({ actor: user, pullrequest, repository: { uuid: '{r}' }, approval: { date: '2026-01-02T00:00:00.000000+00:00', user } });
    const event = parseWebhookEvent({ 'X-Event-Key': 'pullrequest:approved', 'X-Request-UUID': 'req-1', 'X-Attempt-Number': '2' }, Buffer.from(body));
    expect(event).toMatchObject({ event: 'pullrequest:approved', requestUuid: 'req-1', attempt: 2, repositoryUuid: '{r}', pullRequestId: 7 });
    const [pr, approval] = event.records;
    expect(pr?.stream).toBe('pull_requests');
    expect(pullRequestKey(pr?.record as never)).toBe('{r}:7');
    // Trimmed like the stream's records: no links, no repository names.
    expect(pr?.record).not.toHaveProperty('links');
    expect(JSON.stringify(pr?.record)).not.toContain('acme/r');
    expect(approval?.stream).toBe('pull_request_activity');
    expect(activityKey(approval?.record as never)).toBe('{r}:7:approval:{u1}:2026-01-02T00:00:00.000000+00:00');
    expect(approval?.record).toMatchObject({ approval: { date: '2026-01-02T00:00:00.000000+00:00', user: { uuid: '{u1}' } }, pull_request: { id: 7 } });
  });

  it('an unapproval deletes the approval activity it withdraws', () => {
    const body = JSON.stringify({ actor: user, pullrequest, repository: { uuid: '{r}' }, approval: { date: '2026-01-02T00:00:00.000000+00:00', user } });
    const event = parseWebhookEvent({ 'X-Event-Key': 'pullrequest:unapproved' }, body);
    expect(event.deletions).toEqual([{ stream: 'pull_request_activity', key: '{r}:7:approval:{u1}:2026-01-02T00:00:00.000000+00:00' }]);
    expect(event.records.map((entry) => entry.stream)).toEqual(['pull_requests']);
  });

  it('a deleted comment is written as deleted', () => {
    const comment = { id: 99, created_on: '2026-01-02T00:00:00.000000+00:00', content: { raw: 'x' }, user, links: {} };
    const event = parseWebhookEvent({ 'x-event-key': 'pullrequest:comment_deleted' }, JSON.stringify({ pullrequest, repository: { uuid: '{r}' }, comment }));
    const record = event.records.find((entry) => entry.stream === 'pull_request_comments')?.record;
    expect(record).toMatchObject({ id: 99, deleted: true, repository_uuid: '{r}', pull_request_id: 7, pullrequest: { id: 7 } });
  });
});
