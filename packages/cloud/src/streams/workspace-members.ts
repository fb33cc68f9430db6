/**
 * `workspace_members`: the workspace's members, listed in full every run (one request per 100 members).
 * Only changed rows are written; members missing from the listing get deletion markers. When the listing
 * spans several pages, a missing member is first confirmed with a GET, since a listing can drift while it
 * is read; a single page is a consistent snapshot and needs no confirmation.
 *
 * Email: "Email addresses … can be included in the response using the `fields` query parameter", for
 * "a workspace administrator, integration or workspace access token" (Cloud spec, `GET /workspaces/{ws}/members`).
 * Other credentials simply get no `email`.
 */
import type { PartitionDescriptor, StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { fingerprint } from '../fingerprint.js';
import { listPages } from '../listing.js';
import { membersPath } from '../paths.js';
import type { CloudMembership } from '../records.js';

export const WORKSPACE_MEMBERS = 'workspace_members';

export interface MembersCursor {
  readonly version: 1;
  /** Fingerprint of the last written row, per member (user UUID). */
  readonly members: Readonly<Record<string, string>>;
}

const USER_FIELDS = ['uuid', 'display_name', 'account_id', 'nickname', 'type'];

/** The `fields` of the members listing (a whitelist keeping `next`). */
export function memberFields(withEmail: boolean): string {
  const user = [...USER_FIELDS, ...(withEmail ? ['email'] : [])].map((name) => `values.user.${name}`);
  return [...user, 'values.workspace.slug', 'values.workspace.uuid', 'next'].join(',');
}

/** A member's primary key: the user's UUID (account IDs can be absent for app users). */
export function memberKey(membership: CloudMembership): string {
  return membership.user?.uuid ?? membership.user?.account_id ?? '';
}

export const workspaceMembersStream: StreamDefinition<PartitionDescriptor, MembersCursor, CloudConfig> = {
  name: WORKSPACE_MEMBERS,
  outputs: [{ name: WORKSPACE_MEMBERS, primaryKey: memberKey }],
  scope: 'workspace',
  requires: 'account',
  async read(ctx) {
    const { config } = ctx;
    const before = ctx.cursor?.members ?? {};
    const after: Record<string, string> = {};
    let pages = 0;
    for await (const page of listPages<CloudMembership>(
      ctx.client,
      {
        url: membersPath(config.workspace),
        query: { pagelen: config.pageSizes.members, fields: memberFields(config.memberEmails) },
        context: { stream: WORKSPACE_MEMBERS },
        signal: ctx.signal,
      },
      { kind: 'members', key: memberKey },
    )) {
      pages++;
      for (const membership of page.items) {
        const key = memberKey(membership);
        if (key === '') continue;
        const print = fingerprint(membership);
        after[key] = print;
        if (before[key] !== print) await ctx.record(WORKSPACE_MEMBERS, membership);
      }
    }
    for (const [key, print] of Object.entries(before)) {
      if (key in after) continue;
      if (pages > 1) {
        const response = await ctx.client.request<CloudMembership>({
          url: `${membersPath(config.workspace)}/${encodeURIComponent(key)}`,
          context: { stream: WORKSPACE_MEMBERS },
          expect: [404],
          signal: ctx.signal,
        });
        if (response.status !== 404) {
          after[key] = print;
          continue;
        }
      }
      await ctx.deleted(WORKSPACE_MEMBERS, key);
    }
    return { version: 1, members: after };
  },
};
