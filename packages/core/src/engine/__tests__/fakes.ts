import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient, ApiRequest, ApiResponse, RequestStats } from '../../http/types.js';
import { readRecords } from '../../output/read-records.js';
import type { RecordEnvelope } from '../../output/types.js';

/** An ApiClient that answers nothing real: tests drive its request counter (what budgets and reports read). */
export class FakeClient implements ApiClient {
  readonly baseUrl = new URL('https://api.bitbucket.test/2.0');
  #stats: RequestStats = {
    requests: 0,
    retries: 0,
    rateLimitWaitMs: 0,
    rateLimited: 0,
    byCredential: [{ index: 0, label: 'bot', requests: 0, rateLimited: 0 }],
    byStatus: {},
  };

  /** Counts `count` requests as sent. */
  spend(count = 1): void {
    this.#stats.requests += count;
    (this.#stats.byCredential[0] as { requests: number }).requests += count;
  }

  request<T>(request: ApiRequest): Promise<ApiResponse<T>> {
    if (request.signal?.aborted) return Promise.reject(request.signal.reason);
    this.spend();
    return Promise.resolve({ status: 200, headers: {}, body: undefined as T, path: request.url, credentialIndex: 0 });
  }

  stats(): RequestStats {
    return structuredClone(this.#stats);
  }
}

/** A scratch folder, on tmpfs where there is one (these tests are bound by file-system latency). */
export function scratchRoot(prefix: string): Promise<string> {
  return mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
}

export async function allRecords(dir: string): Promise<RecordEnvelope[]> {
  const records: RecordEnvelope[] = [];
  for await (const record of readRecords(dir)) records.push(record);
  return records;
}

/** Resolves when `signal` aborts (for reads that wait to be cancelled). */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
