/**
 * `projects`: `GET /projects` (projects with PROJECT_VIEW), narrowed to the configured keys. One listing per
 * run (a page holds up to `pageSize` projects); projects that vanished from it are confirmed with
 * `GET /projects/{key}` (404) before a deletion marker is written.
 */
import type { PartitionContext, StreamDefinition } from '@bbsync/core';
import type { DcProject } from '../api-types.js';
import type { DataCenterConfig } from '../config.js';
import { confirmedGone } from '../gone.js';
import { listing } from '../listing.js';
import { OUTPUTS } from '../outputs.js';
import { PROJECTS_PATH, projectPath } from '../paths.js';

/** Cursor: the projects written last time, id → key (to find deleted ones). */
export interface ProjectsCursor {
  readonly v: 1;
  readonly known: Readonly<Record<string, string>>;
}

/** A predicate for the configured project keys (case-insensitive; everything when none are configured). */
export function projectSelector(config: Pick<DataCenterConfig, 'projects'>): (key: string) => boolean {
  if (config.projects.length === 0) return () => true;
  const wanted = new Set(config.projects.map((key) => key.toLowerCase()));
  return (key) => wanted.has(key.toLowerCase());
}

export const projectsStream: StreamDefinition<any, ProjectsCursor, DataCenterConfig> = {
  name: 'projects',
  outputs: [OUTPUTS.projects],
  scope: 'workspace',
  requires: 'PROJECT_VIEW',
  async read(ctx: PartitionContext<any, ProjectsCursor, DataCenterConfig>): Promise<ProjectsCursor> {
    const selected = projectSelector(ctx.config);
    const seen: Record<string, string> = {};
    const projects = listing<DcProject>(ctx.client, {
      url: PROJECTS_PATH,
      limit: ctx.config.pageSize,
      context: { stream: ctx.stream },
      signal: ctx.signal,
    });
    for await (const project of projects) {
      if (!selected(project.key)) continue;
      seen[String(project.id)] = project.key;
      await ctx.record('projects', project);
    }
    const seenKeys = new Set(Object.values(seen).map((key) => key.toLowerCase()));
    for (const key of ctx.config.projects) {
      if (!seenKeys.has(key.toLowerCase())) ctx.logger.warn('Configured project is not visible to the credentials', { project: key });
    }
    const known: Record<string, string> = { ...seen };
    for (const [id, key] of Object.entries(ctx.cursor?.known ?? {})) {
      if (id in seen || !selected(key)) continue;
      if (await confirmedGone(ctx, projectPath(key))) await ctx.deleted('projects', id);
      // A project that still answers (hidden, or renamed to a key no longer selected) is no longer tracked.
    }
    return { v: 1, known };
  },
};
