/** The Cloud webhook description: targets, delivery parsing into keyed records (including the removals). */
import { describe, expect, it } from 'vitest';
import { parseCloudConfig } from '../config.js';
import { cloudWebhooks, CLOUD_WEBHOOK_EVENTS } from './description.js';

const repository = { uuid: '{r-1}', full_name: 'acme/api' };
const pullrequest = { id: 4, title: 'T', state: 'OPEN' };
const user = { uuid: '{u-1}', display_name: 'Ada' };

function parse(event: string, extra: Record<string, unknown> = {}) {
  return cloudWebhooks.parseDelivery({ 'x-event-key': event, 'x-request-uuid': 'd1' }, Buffer.from(JSON.stringify({ actor: user, repository, pullrequest, ...extra })));
}

describe('Cloud webhooks', () => {
  it('subscribes to every event it acts on by default', () => {
    for (const event of ['pullrequest:created', 'pullrequest:updated', 'pullrequest:approved', 'pullrequest:unapproved', 'pullrequest:changes_request_created', 'pullrequest:changes_request_removed', 'pullrequest:fulfilled', 'pullrequest:rejected', 'pullrequest:comment_created', 'pullrequest:comment_updated', 'pullrequest:comment_deleted', 'repo:push']) {
      expect(CLOUD_WEBHOOK_EVENTS).toContain(event);
    }
  });

  it('hooks the workspace by default, or the named repositories', () => {
    const config = parseCloudConfig({ workspace: 'acme' });
    expect(cloudWebhooks.targets(config, [])).toEqual([{ label: 'workspace acme', path: '/workspaces/acme/hooks' }]);
    expect(cloudWebhooks.targets(config, ['acme/a b'])).toEqual([{ label: 'repository acme/a b', path: '/repositories/acme/a%20b/hooks' }]);
    expect(() => cloudWebhooks.targets(config, ['acme'])).toThrow(/workspace\/slug/);
  });

  it('keys records like the streams, on the repository partition', () => {
    const created = parse('pullrequest:created');
    expect(created.repository).toEqual({ key: '{r-1}', name: 'acme/api' });
    expect(created.records).toEqual([{ stream: 'pull_requests', key: '{r-1}:4', deleted: false, data: { ...pullrequest, repository_uuid: '{r-1}' } }]);
  });

  it('turns a withdrawn approval and a removed change request into deletion markers of their activity items', () => {
    const date = '2026-02-03T04:05:06.123456+00:00';
    expect(parse('pullrequest:unapproved', { approval: { date, user } }).records.filter((r) => r.deleted)).toEqual([
      { stream: 'pull_request_activity', key: `{r-1}:4:approval:{u-1}:${date}`, deleted: true, data: null },
    ]);
    expect(parse('pullrequest:changes_request_removed', { changes_request: { date, user } }).records.filter((r) => r.deleted)).toEqual([
      { stream: 'pull_request_activity', key: `{r-1}:4:changes_request:{u-1}:${date}`, deleted: true, data: null },
    ]);
  });

  it('names the repository of a push but writes nothing', () => {
    expect(cloudWebhooks.parseDelivery({ 'x-event-key': 'repo:push' }, Buffer.from(JSON.stringify({ repository, push: { changes: [] } })))).toEqual({
      event: 'repo:push',
      repository: { key: '{r-1}', name: 'acme/api' },
      records: [],
    });
  });
});
