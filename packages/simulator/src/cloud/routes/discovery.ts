/**
 * Workspace discovery after CHANGE-2770/CHANGE-3022 (BITBUCKET.md 1.x):
 * - `GET /workspaces/{ws}` answers 200 with the workspace (no scope needed: spec security `oauth2: []`);
 * - the cross-workspace `GET /workspaces`, `GET /repositories`, `GET /user/permissions/workspaces|repositories`
 *   answer 410 Gone, "CHANGE-2770 - Functionality has been deprecated" (enforced 2026; jenkins-x/go-scm#541,
 *   amitsaha/gitbackup#228, apache/devlake#8916);
 * - `GET /user/workspaces` lists the caller's memberships, `{type: 'workspace_access', administrator,
 *   workspace: workspace_base}` (spec `paginated_workspace_access`; Infisical#6152, ktrysmt/go-bitbucket#357).
 */
import type { SimResponse } from '../../server.js';
import type { Call } from '../http/call.js';
import { fail, ok } from '../http/errors.js';
import { listPage, readPagelen } from '../http/pages.js';
import { renderWorkspace } from '../render/accounts.js';
import { link } from '../render/context.js';
import { requireWorkspace } from './common.js';

export const CHANGE_2770_MESSAGE = 'CHANGE-2770 - Functionality has been deprecated';
const CHANGE_2770_URL = 'https://developer.atlassian.com/cloud/bitbucket/changelog/#CHANGE-2770';

export function getWorkspace(call: Call): SimResponse {
  requireWorkspace(call);
  const workspace = renderWorkspace(call.ctx);
  const ws = call.ctx.data.workspace.slug;
  // The single workspace also links its owners and repositories (faros-ai/airbyte-connectors' recorded workspace).
  const links = { ...(workspace['links'] as object), owners: link(`${call.ctx.api}/workspaces/${ws}/members?q=permission%3D%22owner%22`), repositories: link(`${call.ctx.api}/repositories/${ws}`) };
  return ok({ ...workspace, links, is_private: true, created_on: new Date(call.ctx.data.workspace.createdOn / 1000).toISOString() });
}

/** The cross-workspace listings removed by CHANGE-2770. */
export function gone(): SimResponse {
  fail(410, CHANGE_2770_MESSAGE, { data: { announcement_url: CHANGE_2770_URL } });
}

/** Memberships of the caller: the simulated workspace (every credential belongs to it). */
export function listUserWorkspaces(call: Call): SimResponse {
  const pagelen = readPagelen(call, { defaultValue: 25, max: 100 });
  const administratorFilter = call.query.get('administrator');
  const administrator = call.identity.admin;
  const ws = call.ctx.data.workspace;
  const memberships = [
    {
      type: 'workspace_access',
      administrator,
      workspace: {
        type: 'workspace_base',
        uuid: ws.uuid,
        slug: ws.slug,
        links: { avatar: link(`https://api.bitbucket.org/workspaces/${ws.slug}/avatar/`), self: link(`${call.ctx.api}/workspaces/${ws.slug}`) },
      },
    },
  ].filter((m) => administratorFilter === null || String(m.administrator) === administratorFilter.toLowerCase());
  return ok(listPage(call, memberships.length, (i) => memberships[i], pagelen));
}
