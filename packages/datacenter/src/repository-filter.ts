/**
 * Which repositories a run syncs: the configured projects, then include/exclude globs on `PROJECT/slug`
 * (case-insensitive, `*` within a segment, `**` across).
 */
import { repositoryMatcher } from '@bbsync/core';
import type { DataCenterConfig } from './config.js';
import { projectSelector } from './streams/projects.js';

/** A predicate on `PROJECT/slug`. */
export function repositorySelector(config: Pick<DataCenterConfig, 'projects' | 'repositories'>): (name: string) => boolean {
  const project = projectSelector(config);
  const matches = repositoryMatcher(config.repositories);
  return (name) => {
    const slash = name.indexOf('/');
    return project(slash === -1 ? name : name.slice(0, slash)) && matches(name);
  };
}
