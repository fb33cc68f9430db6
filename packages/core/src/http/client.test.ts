import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../clock.js';
import { BbsyncError, isBbsyncError } from '../errors.js';
import { MemoryLogger } from '../logger.js';
import { cloudBudgets, dataCenterBudgets } from './budget.js';
import { createApiClient, type ApiClientOptions } from './client.js';
import { parseCredentials } from './credentials.js';
import { MemoryTransport, type MemoryHandler } from './memory-transport.js';
import { Redactor } from './redact.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const TOKEN_A = 'ATCTT3xFfGN0-secret-token-A-9f8e7d';
const TOKEN_B = 'ATCTT3xFfGN0-secret-token-B-1a2b3c';

function setup(handler: MemoryHandler, overrides: Partial<ApiClientOptions> = {}) {
  const clock = new ManualClock();
  const transport = new MemoryTransport(handler);
  const logger = new MemoryLogger();
  const client = createApiClient({
    baseUrl: 'https://api.bitbucket.org/2.0',
    credentials: parseCredentials([{ accessToken: TOKEN_A, label: 'a' }, { accessToken: TOKEN_B, label: 'b' }]),
    budgets: cloudBudgets(),
    transport,
    clock,
    logger,
    random: () => 0.5,
    ...overrides,
  });
  return { client, transport, clock, logger };
}

async function failure(promise: Promise<unknown>): Promise<BbsyncError> {
  try {
    await promise;
  } catch (error) {
    expect(isBbsyncError(error)).toBe(true);
    return error as BbsyncError;
  }
  throw new Error('expected a failure');
}

describe('createApiClient: URLs', () => {
  it('joins relative paths to the base path and encodes the query', async () => {
    const { client, transport } = setup(() => ({ status: 200, json: { ok: true } }));
    const response = await client.request({
      url: '/repositories/ws',
      query: { q: 'updated_on > "2026-01-01T00:00:00+00:00"', state: ['OPEN', 'MERGED'], pagelen: 50, skip: undefined, flag: true },
    });
    expect(response.body).toEqual({ ok: true });
    const sent = transport.requests[0]!.url;
    expect(sent.pathname).toBe('/2.0/repositories/ws');
    expect(sent.search).toBe('?q=updated_on%20%3E%20%222026-01-01T00%3A00%3A00%2B00%3A00%22&state=OPEN&state=MERGED&pagelen=50&flag=true');
    expect(new URLSearchParams(sent.search).get('q')).toBe('updated_on > "2026-01-01T00:00:00+00:00"');
  });

  it('works with a Data Center context path', async () => {
    const { client, transport } = setup(() => ({ status: 200, json: {} }), {
      baseUrl: 'https://dc.example.com/bitbucket/rest/api/1.0/',
      budgets: dataCenterBudgets(),
    });
    await client.request({ url: 'projects/P/repos', query: { start: 0, limit: 25 } });
    expect(transport.requests[0]!.url.href).toBe('https://dc.example.com/bitbucket/rest/api/1.0/projects/P/repos?start=0&limit=25');
  });

  it('sends same-origin absolute links verbatim', async () => {
    const { client, transport } = setup(() => ({ status: 200, json: { values: [] } }));
    const next = 'https://api.bitbucket.org/2.0/repositories/ws/r/pullrequests?page=8xhd&pagelen=50';
    await client.request({ url: next });
    expect(transport.requests[0]!.url.href).toBe(next);
  });

  it.each([
    'https://evil.example.com/2.0/repositories/ws?page=2',
    'http://api.bitbucket.org/2.0/repositories/ws?page=2',
    'https://api.bitbucket.org:8443/2.0/repositories/ws?page=2',
    'https://user:pw@api.bitbucket.org/2.0/repositories/ws',
    '//evil.example.com/x',
    'javascript:alert(1)',
  ])('refuses a foreign link before sending anything: %s', async (link) => {
    const { client, transport } = setup(() => ({ status: 200, json: {} }));
    const error = await failure(client.request({ url: link }));
    expect(error.code).toBe('pagination_error');
    expect(transport.requests).toHaveLength(0);
  });

  it.each([
    '/../../../../jira/rest/api/2/myself',
    'projects/P/repos/r/webhooks/../../../../../../../../jira/rest',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/jira/rest/api/2/myself',
    'https://dc.example.com/jira/rest/api/2/myself',
    'https://dc.example.com/bitbucket/rest/api/1.0x/projects',
    'https://dc.example.com/bitbucket/rest/api/1.0/../../../../jira/rest',
  ])('refuses a same-origin path outside the API base path before sending anything: %s', async (link) => {
    const { client, transport } = setup(() => ({ status: 200, json: {} }), {
      baseUrl: 'https://dc.example.com/bitbucket/rest/api/1.0',
      budgets: dataCenterBudgets(),
    });
    const error = await failure(client.request({ url: link }));
    expect(error.code).toBe('pagination_error');
    expect(transport.requests).toHaveLength(0);
    // Paths below the base still work.
    await client.request({ url: 'https://dc.example.com/bitbucket/rest/api/1.0/projects?start=25' });
    await client.request({ url: '/projects/P/repos/r/webhooks' });
    expect(transport.requests.map((request) => request.url.pathname)).toEqual(['/bitbucket/rest/api/1.0/projects', '/bitbucket/rest/api/1.0/projects/P/repos/r/webhooks']);
  });

  it('refuses redirects without following them', async () => {
    const { client, transport } = setup(() => ({ status: 302, headers: { location: 'https://evil.example.com/steal?token=x' } }));
    const error = await failure(client.request({ url: '/user' }));
    expect(error.code).toBe('pagination_error');
    expect(error.disposition).toBe('fatal');
    expect(error.message).not.toContain('token=x');
    expect(transport.requests).toHaveLength(1);
  });

  it('refuses a body nested deeper than maxJsonDepth as bad_response, without parsing it', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const { client } = setup(() => ({ status: 200, text: deep }));
    const error = await failure(client.request({ url: '/user' }));
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/nested deeper/);
    // Brackets inside strings do not count.
    const { client: lenient } = setup(() => ({ status: 200, json: { text: '['.repeat(10_000) } }));
    expect((await lenient.request<{ text: string }>({ url: '/user' })).body.text).toHaveLength(10_000);
  });

  it('rejects a bad base URL as config_error', () => {
    expect(() => setup(() => ({ status: 200 }), { baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    expect(() => setup(() => ({ status: 200 }), { baseUrl: 'https://u:p@x/2.0' })).toThrow(/user info/);
  });
});

describe('createApiClient: responses', () => {
  it('returns undefined for an empty body and expected statuses as answers', async () => {
    const { client } = setup((request) =>
      request.url.pathname.endsWith('/empty') ? { status: 204 } : { status: 404, json: { type: 'error', error: { message: 'gone' } } },
    );
    expect((await client.request({ url: '/empty' })).body).toBeUndefined();
    const expected = await client.request({ url: '/missing', expect: [404] });
    expect(expected.status).toBe(404);
    expect(expected.body).toEqual({ type: 'error', error: { message: 'gone' } });
  });

  it('sends the Authorization header, a user agent and form bodies', async () => {
    const { client, transport } = setup(() => ({ status: 200, json: {} }), { userAgent: 'bbsync/test' });
    await client.request({ method: 'POST', url: '/x', body: { form: { include: ['a', 'b'], q: 'a+b' } }, headers: { Authorization: 'Bearer evil' } });
    const sent = transport.requests[0]!;
    expect(sent.headers.authorization).toMatch(/^Bearer ATCTT3/);
    expect(sent.headers['user-agent']).toBe('bbsync/test');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.body).toBe('include=a&include=b&q=a%2Bb');
  });

  it('maps a 2xx with a truncated body to bad_response and retries it', async () => {
    const { client, transport } = setup((_, index) =>
      index === 0 ? { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"values":[1,') } : { status: 200, json: { values: [1] } },
    );
    const response = await client.request({ url: '/x' });
    expect(response.body).toEqual({ values: [1] });
    expect(transport.requests).toHaveLength(2);
    expect(client.stats().retries).toBe(1);
  });

  it('logs each request at debug without the header', async () => {
    const { client, logger } = setup(() => ({ status: 200, json: {} }));
    await client.request({ url: '/x', query: { access_token: 'zzz' } });
    const entry = logger.entries.find((e) => e.message === 'http request');
    expect(entry?.level).toBe('debug');
    expect(entry?.fields).toMatchObject({ method: 'GET', path: '/2.0/x?access_token=***', status: 200, credential: expect.any(Number) });
    expect(JSON.stringify(logger.entries)).not.toContain('ATCTT3');
  });

  it('counts stats per status and credential', async () => {
    const { client } = setup(() => ({ status: 200, json: {} }));
    for (let i = 0; i < 4; i++) await client.request({ url: '/x' });
    const stats = client.stats();
    expect(stats.requests).toBe(4);
    expect(stats.byStatus).toEqual({ '200': 4 });
    expect(stats.byCredential.map((c) => c.requests)).toEqual([2, 2]);
    expect(stats.byCredential.map((c) => c.label)).toEqual(['a', 'b']);
  });
});

describe('createApiClient: retries', () => {
  it('retries 5xx up to maxAttempts, then throws server_error', async () => {
    const { client, transport } = setup(() => ({ status: 503, text: 'busy' }), { retry: { maxAttempts: 3 } });
    const error = await failure(client.request({ url: '/x' }));
    expect(error.code).toBe('server_error');
    expect(transport.requests).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 410])('never retries %i', async (status) => {
    const { client, transport } = setup(() => ({ status, json: { type: 'error', error: { message: 'no' } } }));
    await failure(client.request({ url: '/x' }));
    expect(transport.requests).toHaveLength(1);
  });

  it('retries network errors', async () => {
    const { client, transport } = setup((_, index) => {
      if (index < 2) throw new BbsyncError('network_error', 'reset');
      return { status: 200, json: { ok: 1 } };
    });
    expect((await client.request({ url: '/x' })).body).toEqual({ ok: 1 });
    expect(transport.requests).toHaveLength(3);
  });

  it('honours Retry-After on 503 (seconds) without jitter', async () => {
    const { client, clock } = setup((_, index) => (index === 0 ? { status: 503, headers: { 'retry-after': '7' } } : { status: 200, json: {} }));
    await client.request({ url: '/x' });
    expect(clock.slept).toBe(7000);
  });

  it('gives up when the total retry wait would exceed maxTotalWaitMs', async () => {
    const { client, transport } = setup(() => ({ status: 503, headers: { 'retry-after': '200' } }), { retry: { maxTotalWaitMs: 300_000 } });
    const error = await failure(client.request({ url: '/x' }));
    expect(error.code).toBe('server_error');
    expect(transport.requests).toHaveLength(2);
  });

  it('moves a 429 retry to another credential at once', async () => {
    const { client, transport, clock } = setup((request) =>
      request.headers.authorization?.includes('token-A')
        ? { status: 429, text: 'Rate limit for this resource has been exceeded' }
        : { status: 200, json: { ok: true } },
    );
    const response = await client.request({ url: '/x' });
    expect(response.body).toEqual({ ok: true });
    expect(response.credentialIndex).toBe(1);
    expect(transport.requests.map((r) => r.headers.authorization?.slice(-1))).toEqual(['d', 'c']);
    expect(clock.slept).toBe(0);
    const stats = client.stats();
    expect(stats.rateLimited).toBe(1);
    expect(stats.byCredential[0]!.rateLimited).toBe(1);
  });

  it('waits out a 429 cooldown (Retry-After as an HTTP date) when no other credential can serve', async () => {
    const clock = new ManualClock();
    const until = new Date(clock.now() + 30_000).toUTCString();
    const transport = new MemoryTransport((_, index) => (index === 0 ? { status: 429, headers: { 'retry-after': until } } : { status: 200, json: {} }));
    const client = createApiClient({
      baseUrl: 'https://api.bitbucket.org/2.0',
      credentials: parseCredentials([{ accessToken: TOKEN_A }]),
      budgets: cloudBudgets(),
      transport,
      clock,
    });
    await client.request({ url: '/x' });
    expect(clock.slept).toBe(30_000);
    expect(client.stats().rateLimitWaitMs).toBe(30_000);
  });

  it('ends with budget_exhausted when the cooldown exceeds maxWaitMs', async () => {
    const { client, transport } = setup(() => ({ status: 429, headers: { 'retry-after': '3600' } }), { maxWaitMs: 60_000 });
    const error = await failure(client.request({ url: '/x' }));
    expect(error.code).toBe('budget_exhausted');
    expect(error.disposition).toBe('stop');
    expect(transport.requests).toHaveLength(2);
  });

  it('stops at maxRequests with budget_exhausted', async () => {
    const { client, transport } = setup(() => ({ status: 200, json: {} }), { maxRequests: 2 });
    await client.request({ url: '/x' });
    await client.request({ url: '/x' });
    const error = await failure(client.request({ url: '/x' }));
    expect(error.code).toBe('budget_exhausted');
    expect(transport.requests).toHaveLength(2);
  });
});

describe('createApiClient: cancellation and concurrency', () => {
  it('throws cancelled for an aborted signal without sending', async () => {
    const { client, transport } = setup(() => ({ status: 200, json: {} }));
    const controller = new AbortController();
    controller.abort();
    const error = await failure(client.request({ url: '/x', signal: controller.signal }));
    expect(error.code).toBe('cancelled');
    expect(transport.requests).toHaveLength(0);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const { client } = setup(
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return { status: 200, json: {} };
      },
      { concurrency: 3 },
    );
    await Promise.all(Array.from({ length: 20 }, () => client.request({ url: '/x' })));
    expect(peak).toBe(3);
  });
});

describe('createApiClient: no leaks', () => {
  it('keeps secrets out of errors, their causes and logs', async () => {
    const secret = 'Zq9-UNIQUE-password-Lk2';
    const email = 'someone@example.com';
    const credentials = parseCredentials([{ email, apiToken: secret }]);
    const authorization = credentials[0]!.authorization();
    const logger = new MemoryLogger();
    const redactor = new Redactor();
    const transport = new MemoryTransport((_, index) => {
      if (index === 0) {
        const cause = new Error(`socket hang up while sending ${authorization} / ${secret}`);
        throw new BbsyncError('network_error', `failed with ${secret}`, { cause });
      }
      return { status: 401, json: { type: 'error', error: { message: `bad credentials ${email}:${secret} ${authorization}` } } };
    });
    const client = createApiClient({
      baseUrl: 'https://api.bitbucket.org/2.0',
      credentials,
      budgets: cloudBudgets(),
      transport,
      clock: new ManualClock(),
      logger,
      redactor,
    });
    const error = await failure(client.request({ url: `/x?token=${secret}&secret=${encodeURIComponent(secret)}` }));
    expect(error.code).toBe('invalid_credentials');
    const printed = [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error.stack), JSON.stringify(logger.entries), inspect(credentials, { depth: 5 }), JSON.stringify(credentials), inspect(client, { depth: 5 })].join('\n');
    for (const form of credentials[0]!.secrets()) expect(printed).not.toContain(form);
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain(Buffer.from(`${email}:${secret}`).toString('base64'));
    expect(error.hint).toContain('2026-07-28');
  });

  /** Every run of 16 characters of `text`: a secret cut to 16 characters or more is still a leak. */
  const windowsOf = (text: string): string[] => Array.from({ length: Math.max(0, text.length - 15) }, (_, i) => text.slice(i, i + 16));

  const ECHO_PLACES = [
    ['a JSON error message', (echo: string) => ({ status: 401, json: { type: 'error', error: { message: echo } } })],
    ['a text body', (echo: string) => ({ status: 500, text: echo })],
    ['an HTML page title', (echo: string) => ({ status: 502, headers: { 'content-type': 'text/html' }, text: `<html><head><title>${echo}</title></head></html>` })],
    ['a redirect target', (echo: string) => ({ status: 302, headers: { location: `https://api.bitbucket.org/${echo}` } })],
  ] as const;
  const ECHOED = [
    ['the Authorization header', (header: string) => header],
    ['the decoded user:password', (header: string) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8')],
    ['the password', (header: string) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8').replace(/^[^:]*:/, '')],
    // Cut by the server itself: no whole form is there to match, only runs of 16 characters of one.
    ['a piece of the header cut by the server', (header: string) => header.slice(0, -9)],
    ['a piece of the password cut by the server', (header: string) => Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8').replace(/^[^:]*:/, '').slice(3, 24)],
  ] as const;

  it.each(ECHO_PLACES.flatMap(([where, answer]) => ECHOED.map(([what, echo]) => [what, where, answer, echo] as const)))(
    'redacts %s echoed after 240 characters in %s before cutting or collapsing it',
    async (_what, _where, answer, echo) => {
      // Two spaces in the password: collapsing whitespace first would leave a form that no longer matches.
      const password = 'Pw-with  two  spaces-Kq8Lm2Np4Rs6Tv8Xz0';
      const credentials = parseCredentials([{ username: 'someone', password }]);
      const authorization = credentials[0]!.authorization();
      const transport = new MemoryTransport((request) => answer(`${'p'.repeat(240)} ${echo(String(request.headers.authorization))} and more`));
      const client = createApiClient({ baseUrl: 'https://api.bitbucket.org/2.0', credentials, budgets: cloudBudgets(), transport, clock: new ManualClock(), retry: { maxAttempts: 1 } });
      const error = await failure(client.request({ url: '/x' }));
      const printed = [JSON.stringify(error), error.message, error.hint, inspect(error, { depth: 10 })].join('\n');
      expect(transport.requests).toHaveLength(1);
      // The echo reached the message: redacted, or beyond the 300-character cut.
      expect(error.message).toMatch(/\*\*\*|…$/);
      for (const form of [password, encodeURIComponent(password), authorization.slice('Basic '.length), `someone:${password}`]) {
        for (const window of windowsOf(form)) expect(printed, `a 16-character run of ${form.slice(0, 4)}…`).not.toContain(window);
      }
    },
  );
});

/**
 * Discrete-event time for concurrency tests: `sleep` registers a timer, and time jumps to the earliest
 * timer only once every task is blocked (setImmediate runs after the microtask queue drains). Unlike
 * ManualClock, a sleeper never moves time under a task that is between two awaits.
 */
class VirtualClock implements Clock {
  #now = 0;
  #timers: { at: number; resolve: () => void }[] = [];
  #scheduled = false;
  now(): number {
    return this.#now;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    return new Promise((resolve) => {
      this.#timers.push({ at: this.#now + Math.max(0, ms), resolve });
      this.#schedule();
    });
  }
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#timers.length === 0) return;
      const earliest = Math.min(...this.#timers.map((t) => t.at));
      this.#now = Math.max(this.#now, earliest);
      const due = this.#timers.filter((t) => t.at <= earliest);
      this.#timers = this.#timers.filter((t) => t.at > earliest);
      for (const timer of due) timer.resolve();
      if (this.#timers.length > 0) this.#schedule();
    });
  }
}

describe('createApiClient: budgets under concurrency', () => {
  it('property: concurrent requests with random 429s never put more than an identity\'s limit in any hour', async () => {
    const HOUR = 3_600_000;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ user: fc.integer({ min: 0, max: 1 }), basic: fc.boolean(), limit: fc.integer({ min: 1, max: 5 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 120 })), { maxLength: 30 }),
        async (specs, concurrency, limitedAnswers, retryAfters) => {
          const credentials = parseCredentials(
            specs.map((spec, i) => ({
              ...(spec.basic ? { username: `user${spec.user}`, password: `pw-${i}-secret` } : { accessToken: `token-${i}-secret` }),
              requestsPerHour: spec.limit,
            })),
          );
          const identityOf = new Map(credentials.map((c) => [c.authorization(), c.identity]));
          const limitOf = new Map<string, number>();
          for (const c of credentials) limitOf.set(c.identity, Math.min(limitOf.get(c.identity) ?? Infinity, c.requestsPerHour!));
          const clock = new VirtualClock();
          const sent: { identity: string; at: number }[] = [];
          const transport = new MemoryTransport((request, index) => {
            sent.push({ identity: identityOf.get(request.headers.authorization!)!, at: clock.now() });
            if (limitedAnswers[index % limitedAnswers.length]) {
              const seconds = retryAfters[index % Math.max(1, retryAfters.length)];
              return { status: 429, text: 'Rate limit for this resource has been exceeded', headers: seconds == null ? {} : { 'retry-after': String(seconds) } };
            }
            return { status: 200, json: { index } };
          });
          const client = createApiClient({
            baseUrl: 'https://api.bitbucket.org/2.0',
            credentials,
            budgets: cloudBudgets({ marginMs: 0 }),
            transport,
            clock,
            concurrency,
            maxWaitMs: 2 * HOUR,
          });
          const results = await Promise.allSettled(Array.from({ length: 12 }, () => client.request({ url: '/x' })));
          for (const result of results) {
            if (result.status === 'rejected') expect(['rate_limited', 'budget_exhausted']).toContain((result.reason as BbsyncError).code);
          }
          for (let i = 0; i < sent.length; i++) {
            const { identity, at } = sent[i]!;
            const inWindow = sent.filter((s, j) => j <= i && s.identity === identity && s.at > at - HOUR).length;
            expect(inWindow).toBeLessThanOrEqual(limitOf.get(identity)!);
          }
          expect(client.stats().requests).toBe(sent.length);
        },
      ),
      { numRuns },
    );
  });
});
