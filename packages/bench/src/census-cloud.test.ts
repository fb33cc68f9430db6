/**
 * The Cloud census counts the commit-details enrichment from ground truth: the pull request hashes it fills,
 * and the commit GETs it cannot avoid (pull request commits that neither the pull request's commit listing nor
 * the default branch's history gives). Neither is part of the request floor.
 */
import { describe, expect, it } from 'vitest';
import { CensusBuilder } from './census.js';
import { cloudCensus, COMMIT_DETAILS_CENSUS, type CloudTruthLike } from './census-cloud.js';
import { ENRICHMENTS, requestFloor, singleGets } from './floors.js';

const commitDetails = ENRICHMENTS.cloud[0]!;

const hash = (c: string) => c.repeat(40);
const ref = (full: string) => ({ commit: { hash: full.slice(0, 12) } });

/** One repository: main history a→b→m (m merges pull request 1), pull request 2 open, 3 declined with its branch gone, 4 declined whose source was fast-forwarded onto main. */
function truth(): CloudTruthLike {
  const repository = { uuid: '{r}' };
  return {
    repositories: [repository],
    members: [],
    pullrequests: {
      '{r}': [
        { id: 1, state: 'MERGED', merge_commit: { hash: hash('m').slice(0, 12) }, source: ref(hash('s')), destination: ref(hash('a')) },
        { id: 2, state: 'OPEN', merge_commit: null, source: ref(hash('o')), destination: ref(hash('b')) },
        { id: 3, state: 'DECLINED', merge_commit: null, source: ref(hash('g')), destination: ref(hash('b')) },
        { id: 4, state: 'DECLINED', merge_commit: null, source: ref(hash('b')), destination: ref(hash('a')) },
      ],
    },
    activity: {},
    comments: {},
    prCommits: { '{r}#1': [{ hash: hash('s') }], '{r}#2': [{ hash: hash('o') }], '{r}#3': [], '{r}#4': [] },
    commits: { '{r}': [{ hash: hash('m') }, { hash: hash('s') }, { hash: hash('b') }, { hash: hash('a') }] },
    pipelines: {},
  };
}

const reader = (t: CloudTruthLike) => <K extends keyof CloudTruthLike>(kind: K) => t[kind];

describe('cloudCensus commit details', () => {
  it('counts only a gone branch tip that is not on the default branch', () => {
    const census = cloudCensus(reader(truth()), new CensusBuilder(undefined, false));
    expect(census.listings.find((l) => l.listing === COMMIT_DETAILS_CENSUS)?.histogram).toEqual({ '1:1': 1 });
    // Pull request 1's merge commit and the gone source tips of 3 and 4 want a full hash; only 3's is on no listing.
    expect(commitDetails.wanted(census, false)).toBe(3);
    expect(commitDetails.least(census, false)).toBe(1);
    // Enrichments are charged on their own line, never in the floor.
    expect(singleGets(census, false)).toBe(0);
    expect(requestFloor(census, false).singleGets).toBe(0);
  });

  it('counts a merge commit off the default branch, and on an incremental run only new ones', () => {
    const first = new CensusBuilder(undefined, true);
    cloudCensus(reader(truth()), first);
    const changed = truth();
    const prs = changed.pullrequests['{r}'] as Record<string, unknown>[];
    prs.push({ id: 5, state: 'MERGED', merge_commit: { hash: hash('x').slice(0, 12) }, source: ref(hash('y')), destination: ref(hash('z')) });
    (changed.prCommits as Record<string, unknown[]>)['{r}#5'] = [{ hash: hash('y') }];
    const census = cloudCensus(reader(changed), new CensusBuilder(first.next, true));
    expect(commitDetails.least(census, false)).toBe(2);
    expect(commitDetails.least(census, true)).toBe(1);
    expect(commitDetails.wanted(census, true)).toBe(1);
  });
});
