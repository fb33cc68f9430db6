import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BbsyncError } from '../errors.js';
import { cloudBudgets, dataCenterBudgets } from './budget.js';
import { parseCredentials } from './credentials.js';
import { TokenPool } from './pool.js';
import type { CredentialConfig, RequestContext } from './types.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const HOUR = 3_600_000;

function pool(configs: CredentialConfig[], options: { maxWaitMs?: number; requestsPerHour?: number } = {}) {
  const clock = new ManualClock(0);
  const credentials = parseCredentials(configs);
  const tokenPool = new TokenPool({
    credentials,
    budgets: cloudBudgets({ requestsPerHour: options.requestsPerHour ?? 1000, marginMs: 0 }),
    clock,
    maxWaitMs: options.maxWaitMs,
  });
  return { pool: tokenPool, clock, credentials };
}

async function rejection(promise: Promise<unknown>): Promise<BbsyncError> {
  try {
    await promise;
  } catch (error) {
    return error as BbsyncError;
  }
  throw new Error('expected a rejection');
}

describe('TokenPool', () => {
  it('picks the credential with the most budget left', async () => {
    const { pool: p } = pool([{ accessToken: 'a', requestsPerHour: 3 }, { accessToken: 'b', requestsPerHour: 5 }]);
    const picks: number[] = [];
    for (let i = 0; i < 8; i++) {
      const lease = await p.acquire(undefined);
      picks.push(lease.credential.index);
      lease.release();
    }
    expect(picks.filter((i) => i === 0)).toHaveLength(3);
    expect(picks.filter((i) => i === 1)).toHaveLength(5);
    expect(p.stats().byCredential.map((c) => c.requests)).toEqual([3, 5]);
  });

  it('shares one budget between Basic credentials of one user', async () => {
    const { pool: p, clock } = pool(
      [
        { email: 'me@example.com', apiToken: 'x' },
        { email: 'me@example.com', apiToken: 'y' },
      ],
      { requestsPerHour: 4, maxWaitMs: 2 * HOUR },
    );
    for (let i = 0; i < 4; i++) (await p.acquire(undefined)).release();
    expect(clock.now()).toBe(0);
    // The fifth request must wait an hour, whichever of the two secrets it uses.
    (await p.acquire(undefined)).release();
    expect(clock.now()).toBe(HOUR);
    expect(p.stats().waitMs).toBe(HOUR);
  });

  it('a penalized credential hands the next request to another eligible one', async () => {
    const { pool: p, clock, credentials } = pool([{ accessToken: 'a' }, { accessToken: 'b' }]);
    p.penalize(credentials[0]!, 60_000);
    for (let i = 0; i < 3; i++) {
      const lease = await p.acquire(undefined);
      expect(lease.credential.index).toBe(1);
      lease.release();
    }
    expect(clock.now()).toBe(0);
    expect(p.stats().byCredential[0]!.rateLimited).toBe(1);
  });

  it('waits for the earliest recovery, within maxWaitMs', async () => {
    const { pool: p, clock, credentials } = pool([{ accessToken: 'a' }, { accessToken: 'b' }], { maxWaitMs: 60_000 });
    p.penalize(credentials[0]!, 50_000);
    p.penalize(credentials[1]!, 20_000);
    const lease = await p.acquire(undefined);
    expect(lease.credential.index).toBe(1);
    expect(lease.waitedMs).toBe(20_000);
    expect(clock.now()).toBe(20_000);
  });

  it('throws budget_exhausted at once when recovery is beyond maxWaitMs', async () => {
    const { pool: p, clock, credentials } = pool([{ accessToken: 'a', streams: ['commits'] }], { maxWaitMs: 15 * 60_000 });
    p.penalize(credentials[0]!, 20 * 60_000);
    const error = await rejection(p.acquire({ stream: 'commits', repository: 'ws/r' }));
    expect(error.code).toBe('budget_exhausted');
    expect(error.disposition).toBe('stop');
    expect(error.message).toContain('commits');
    expect(clock.slept).toBe(0);
  });

  it('default maxWaitMs is 15 minutes', async () => {
    const { pool: p, credentials } = pool([{ accessToken: 'a' }]);
    p.penalize(credentials[0]!, 15 * 60_000);
    (await p.acquire(undefined)).release();
    p.penalize(credentials[0]!, 15 * 60_000 + 15 * 60_000 + 1);
    expect((await rejection(p.acquire(undefined))).code).toBe('budget_exhausted');
  });

  it('only uses credentials that can serve the context', async () => {
    const { pool: p } = pool([
      { accessToken: 'a', repositories: ['ws/api'] },
      { accessToken: 'b', streams: ['pipelines'] },
    ]);
    expect((await p.acquire({ stream: 'pull_requests', repository: 'ws/api' })).credential.index).toBe(0);
    expect((await p.acquire({ stream: 'pipelines', repository: 'ws/other' })).credential.index).toBe(1);
  });

  it('names the stream or repository nobody can serve', async () => {
    const { pool: p, credentials } = pool([{ accessToken: 'a', streams: ['pull_requests'], repositories: ['ws/api'] }]);
    const noStream = await rejection(p.acquire({ stream: 'pipelines' }));
    expect(noStream.code).toBe('config_error');
    expect(noStream.message).toContain('pipelines');
    const noRepo = await rejection(p.acquire({ stream: 'pull_requests', repository: 'ws/web' }));
    expect(noRepo.code).toBe('invalid_permissions');
    expect(noRepo.disposition).toBe('skippable');
    expect(noRepo.message).toContain('ws/web');
    (credentials[0] as unknown as { restrictTo(s: Set<string>): void }).restrictTo(new Set(['ws/other']));
    expect((await rejection(p.acquire({ repository: 'ws/api' }))).code).toBe('invalid_permissions');
  });

  it('is cancelled by an aborted signal', async () => {
    const { pool: p } = pool([{ accessToken: 'a' }]);
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(p.acquire(undefined, controller.signal))).code).toBe('cancelled');
  });

  it('works with Data Center token buckets', async () => {
    const clock = new ManualClock(0);
    const p = new TokenPool({ credentials: parseCredentials([{ accessToken: 'a' }]), budgets: dataCenterBudgets(), clock });
    for (let i = 0; i < 65; i++) (await p.acquire(undefined)).release();
    expect(clock.now()).toBe(1000);
  });

  it('property: for random credentials, contexts and cooldowns, no identity ever exceeds its budget in any window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ user: fc.integer({ min: 0, max: 2 }), basic: fc.boolean(), limit: fc.integer({ min: 1, max: 6 }), repo: fc.option(fc.integer({ min: 0, max: 2 })) }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('request' as const), repo: fc.option(fc.integer({ min: 0, max: 2 })) }),
            fc.record({ kind: fc.constant('gap' as const), ms: fc.integer({ min: 0, max: 600_000 }) }),
            fc.record({ kind: fc.constant('penalize' as const), who: fc.nat(), ms: fc.integer({ min: 0, max: 900_000 }) }),
          ),
          { maxLength: 60 },
        ),
        async (specs, events) => {
          const configs: CredentialConfig[] = specs.map((spec, i) => ({
            ...(spec.basic ? { username: `user${spec.user}`, password: `pw${i}` } : { accessToken: `tok${i}` }),
            requestsPerHour: spec.limit,
            ...(spec.repo === null ? {} : { repositories: [`ws/r${spec.repo}`] }),
          }));
          const clock = new ManualClock(0);
          const credentials = parseCredentials(configs);
          const p = new TokenPool({ credentials, budgets: cloudBudgets({ marginMs: 0 }), clock, maxWaitMs: 2 * HOUR });
          // The effective limit of an identity is the smallest cap among its credentials.
          const limitOf = new Map<string, number>();
          for (const c of credentials) limitOf.set(c.identity, Math.min(limitOf.get(c.identity) ?? Infinity, c.requestsPerHour!));
          const sent: { identity: string; at: number }[] = [];
          for (const event of events) {
            if (event.kind === 'gap') clock.advance(event.ms);
            else if (event.kind === 'penalize') p.penalize(credentials[event.who % credentials.length]!, clock.now() + event.ms);
            else {
              const context: RequestContext = event.repo === null ? {} : { repository: `ws/r${event.repo}` };
              try {
                const lease = await p.acquire(context);
                expect(lease.credential.canServe(context)).toBe(true);
                sent.push({ identity: lease.credential.identity, at: clock.now() });
                lease.release();
              } catch (error) {
                expect(['budget_exhausted', 'invalid_permissions']).toContain((error as BbsyncError).code);
              }
            }
          }
          for (let i = 0; i < sent.length; i++) {
            const { identity, at } = sent[i]!;
            const inWindow = sent.filter((s, j) => j <= i && s.identity === identity && s.at > at - HOUR).length;
            expect(inWindow).toBeLessThanOrEqual(limitOf.get(identity)!);
          }
        },
      ),
      { numRuns },
    );
  });
});
