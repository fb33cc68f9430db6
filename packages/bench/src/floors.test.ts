import { describe, expect, it } from 'vitest';
import { CLOUD_LISTINGS, DATACENTER_LISTINGS, ENRICHMENTS, enrichmentRequests, listingCost, pagesFor, rateLimitFloorMs, requestFloor, requestsByListing, workspaceListingPages } from './floors.js';
import type { Census } from './protocol.js';

const census: Census = {
  api: 'cloud',
  repositories: 2,
  records: {},
  listings: [
    { listing: 'repositories', histogram: { '2:2': 1 } },
    { listing: 'members', histogram: { '150:150': 1 } },
    // Two repositories: one with 120 pull requests (3 pages of 50), one with none (still one request).
    { listing: 'pullrequests', histogram: { '120:120': 1, '0:0': 1 } },
    { listing: 'pullrequest-commits', histogram: { '0:0': 100, '101:101': 20 } },
  ],
};

describe('pagesFor', () => {
  it('charges one request for an empty listing and ceil(items / page) otherwise', () => {
    expect(pagesFor(0, 50)).toBe(1);
    expect(pagesFor(50, 50)).toBe(1);
    expect(pagesFor(51, 50)).toBe(2);
  });
});

describe('listingCost', () => {
  const rule = { maxPage: 100 };
  it('reads every page of a full listing, also incrementally', () => {
    expect(listingCost({ ...rule, incremental: 'full' }, 250, 0, true)).toBe(3);
  });
  it('probes a filtered listing once when nothing changed', () => {
    expect(listingCost({ ...rule, incremental: 'probe' }, 250, 0, true)).toBe(1);
    expect(listingCost({ ...rule, incremental: 'probe' }, 250, 101, true)).toBe(2);
  });
  it('skips an if-changed listing when nothing changed', () => {
    expect(listingCost({ ...rule, incremental: 'if-changed' }, 250, 0, true)).toBe(0);
    expect(listingCost({ ...rule, incremental: 'if-changed' }, 250, 3, true)).toBe(1);
  });
  it('reads everything on a full sync, whatever the rule', () => {
    expect(listingCost({ ...rule, incremental: 'if-changed' }, 250, 0, false)).toBe(3);
  });
});

describe('requestFloor', () => {
  it('sums max(1, ceil(items / page)) over every listing', () => {
    const floor = requestFloor(census, false);
    // repositories 1 + members ceil(150/100)=2 + pull requests 3+1 + PR commits 100×1 + 20×ceil(101/100)=40; absent kinds cost 0.
    expect(floor.total).toBe(1 + 2 + 4 + 140);
    expect(floor.byListing.find((f) => f.rule.id === 'pullrequests')).toMatchObject({ listings: 2, items: 120, requests: 4 });
  });

  it('counts an incremental floor from what changed', () => {
    const unchanged: Census = { ...census, listings: census.listings.map((l) => ({ listing: l.listing, histogram: Object.fromEntries(Object.entries(l.histogram).map(([k, n]) => [`${k.split(':')[0]}:0`, n])) })) };
    // Full listings are re-read (1 + 2), pull requests probed once per repository (2), PR commits skipped.
    expect(requestFloor(unchanged, true).total).toBe(5);
    expect(workspaceListingPages(unchanged)).toBe(3);
  });

  it('documents a page maximum and an incremental rule for every listing', () => {
    for (const rule of [...CLOUD_LISTINGS, ...DATACENTER_LISTINGS]) {
      expect(rule.maxPage).toBeGreaterThan(0);
      expect(rule.maxPageSource).not.toBe('');
      expect(rule.incrementalWhy).not.toBe('');
    }
    expect(CLOUD_LISTINGS.find((r) => r.id === 'pullrequests')?.maxPage).toBe(50);
    expect(CLOUD_LISTINGS.find((r) => r.id === 'pullrequest-activity')?.maxPage).toBe(50);
  });

  it('states the assumption of every rule that skips a listing, with a pessimistic rule where a switch can break it', () => {
    for (const rule of [...CLOUD_LISTINGS, ...DATACENTER_LISTINGS]) {
      const skips = rule.incremental === 'if-changed' || rule.coveredBy !== undefined;
      if (skips) expect(rule.assumption?.text, rule.id).toBeTruthy();
      if (rule.assumption?.simulatorSwitch !== undefined) expect(rule.pessimistic, rule.id).toBeDefined();
    }
  });

  it('charges no enrichment to the floor', () => {
    const withDetails: Census = { ...census, listings: [...census.listings, { listing: 'commit-details', histogram: { '5:5': 1 } }, { listing: 'commit-hashes', histogram: { '9:9': 1 } }] };
    expect(requestFloor(withDetails, false).total).toBe(requestFloor(census, false).total);
    expect(ENRICHMENTS.cloud.map((rule) => [rule.id, rule.least(withDetails, false), rule.wanted(withDetails, false)])).toEqual([['commit details', 5, 9]]);
    expect(enrichmentRequests('cloud', { 'GET /repositories/{ws}/{repo}/commit/{commit}': 4, 'GET /repositories/{ws}': 1 })).toEqual({ 'commit details': 4 });
  });
});

describe('requestsByListing', () => {
  it('attributes the simulator endpoint templates to listings', () => {
    const { byListing, other } = requestsByListing('cloud', {
      'GET /repositories/{ws}': 1,
      'GET /repositories/{ws}/{repo}/pullrequests': 3,
      'GET /repositories/{ws}/{repo}/pullrequests/activity': 2,
      'GET /repositories/{ws}/{repo}/pullrequests/{id}/activity': 5,
      'POST /repositories/{ws}/{repo}/commits': 1,
      'GET /repositories/{ws}/{repo}/commits/{revision+}': 4,
      'GET /repositories/{ws}/{repo}/pullrequests/{id}': 7,
    });
    expect(byListing).toEqual({ repositories: 1, pullrequests: 3, 'pullrequest-activity': 7, commits: 5 });
    expect(other).toEqual({ 'GET /repositories/{ws}/{repo}/pullrequests/{id}': 7 });
    expect(
      requestsByListing('datacenter', {
        'GET /projects/{projectKey}/repos': 2,
        'GET /repos': 1,
        'GET /projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/activities': 9,
        'GET /projects/{projectKey}/repos/{repositorySlug}/commits': 4,
      }).byListing,
    ).toEqual({ repositories: 3, 'pullrequest-activities': 9, commits: 4 });
  });
});

describe('rateLimitFloorMs', () => {
  it('lets perWindow × identities through per rolling window', () => {
    const limit = { kind: 'rolling-window', perWindow: 100, windowMs: 1000, identities: 3 } as const;
    expect(rateLimitFloorMs(300, limit)).toBe(0);
    expect(rateLimitFloorMs(301, limit)).toBe(1000);
    expect(rateLimitFloorMs(901, limit)).toBe(3000);
  });
  it('drains the buckets, then refills them', () => {
    const limit = { kind: 'token-bucket', capacity: 20, fillPerSecond: 10, identities: 2 } as const;
    expect(rateLimitFloorMs(40, limit)).toBe(0);
    expect(rateLimitFloorMs(140, limit)).toBe(5000);
  });
});
