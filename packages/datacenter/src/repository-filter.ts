/**
 * Which repositories a run syncs: the configured projects, then include/exclude globs on `PROJECT/slug`
 * (case-insensitive, `*` within a segment, `**` across).
 */
import { globMatcher } from '@bbsync/core';
import type { DataCenterConfig } from './config.js';
import { projectSelector } from './streams/projects.js';

/** A predicate on `PROJECT/slug`. */
export function repositorySelector(config: Pick<DataCenterConfig, 'projects' | 'repositories'>): (name: string) => boolean {
  const project = projectSelector(config);
  const include = config.repositories.include.length === 0 ? () => true : globMatcher(config.repositories.include);
  const exclude = config.repositories.exclude.length === 0 ? () => false : globMatcher(config.repositories.exclude);
  return (name) => {
    const slash = name.indexOf('/');
    return project(slash === -1 ? name : name.slice(0, slash)) && include(name) && !exclude(name);
  };
}
