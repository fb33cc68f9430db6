/**
 * `workspace_members`: the workspace's members, listed in full every run (one request per 100 members).
 * Only changed rows are written; members missing from the listing get deletion markers. When the listing
 * spans several pages and someone is missing, it is read once more before anyone is declared gone, since a
 * listing can drift while it is read; a single page is a consistent snapshot and needs no confirmation.
 *
 * Email: "Email addresses … can be included in the response using the `fields` query parameter", for
 * "a workspace administrator, integration or workspace access token" (Cloud spec, `GET /workspaces/{ws}/members`).
 * Other credentials simply get no `email`.
 */
import { dataKeyed, type PartitionContext, type PartitionDescriptor, type StreamDefinition } from '@bbsync/core';
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
    // Keyed by member UUID (data): without a prototype, so `key in after` is true only for keys set here.
    const before = dataKeyed(ctx.cursor?.members);
    const after = dataKeyed<string>();
    const accept = async (membership: CloudMembership) => {
      const key = memberKey(membership);
      if (key === '' || key in after) return;
      const print = fingerprint(membership);
      after[key] = print;
      if (before[key] !== print) await ctx.record(WORKSPACE_MEMBERS, membership);
    };
    const pages = await readMembers(ctx, accept);
    const missing = () => Object.keys(before).filter((key) => !(key in after));
    // Several pages are not one snapshot: someone who joined or left meanwhile shifts rows past a page
    // boundary. A second read settles it: whoever is missing from both reads has left.
    if (pages > 1 && missing().length > 0) await readMembers(ctx, accept);
    for (const key of missing()) await ctx.deleted(WORKSPACE_MEMBERS, key);
    return { version: 1, members: after };
  },
};

/** Reads the member listing, handing each membership to `accept`; returns the number of pages read. */
async function readMembers(
  ctx: PartitionContext<PartitionDescriptor, MembersCursor, CloudConfig>,
  accept: (membership: CloudMembership) => Promise<void>,
): Promise<number> {
  let pages = 0;
  for await (const page of listPages<CloudMembership>(
    ctx.client,
    {
      url: membersPath(ctx.config.workspace),
      query: { pagelen: ctx.config.pageSizes.members, fields: memberFields(ctx.config.memberEmails) },
      context: { stream: WORKSPACE_MEMBERS },
      signal: ctx.signal,
    },
    { kind: 'members', key: memberKey },
  )) {
    pages++;
    for (const membership of page.items) await accept(membership);
  }
  return pages;
}
