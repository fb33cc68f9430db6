/** Default switch values (the "worst plausible" where cheap), shared by both APIs. */
import type { SimSwitches } from './api.js';

export const DEFAULT_SWITCHES: SimSwitches = {
  commentsBumpPullRequestUpdatedOn: true,
  repositoryUpdatedOnBumpedBy: 'pushes',
  dataCenterNewestOrderBy: 'updated',
  cloudActivityFeedNewestFirst: true,
  repeatRowAcrossPages: false,
  cloudMaxPagelen: { members: 100, comments: 100, commits: 100 },
  // page.max.* (BITBUCKET.md 2.2: activities capped at 500 in a recording; commits 100 per a secondary source).
  dataCenterMaxLimit: { default: 1000, activities: 500, commits: 100 },
  cloudChangesRequestKey: 'changes_request',
};

/** Fills in defaults (nested objects merge too). */
export function resolveSwitches(partial: Partial<SimSwitches> | undefined): SimSwitches {
  return {
    ...DEFAULT_SWITCHES,
    ...partial,
    cloudMaxPagelen: { ...DEFAULT_SWITCHES.cloudMaxPagelen, ...partial?.cloudMaxPagelen },
    dataCenterMaxLimit: { ...DEFAULT_SWITCHES.dataCenterMaxLimit, ...partial?.dataCenterMaxLimit },
  };
}
