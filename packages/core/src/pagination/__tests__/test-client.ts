/**
 * The API client the pagination tests run against: the real one (origin check, query encoding, retries,
 * JSON parsing, token pool), over a fake transport, on a manual clock so retries cost no real time.
 */
import { ManualClock } from '../../clock.js';
import { cloudBudgets } from '../../http/budget.js';
import { createApiClient } from '../../http/client.js';
import { parseCredentials } from '../../http/credentials.js';
import type { ApiClient, Transport } from '../../http/types.js';

/** The secret of the test credential: it must only ever reach the API origin. */
export const TEST_TOKEN = 'test-access-token-0123456789';

export interface TestClient {
  readonly client: ApiClient;
  readonly clock: ManualClock;
}

/** A client on `baseUrl` over `transport` with one access token, retrying on a manual clock. */
export function testClient(baseUrl: string, transport: Transport): TestClient {
  const clock = new ManualClock();
  const client = createApiClient({
    baseUrl,
    credentials: parseCredentials([{ accessToken: TEST_TOKEN, label: 'test' }]),
    budgets: cloudBudgets(),
    transport,
    clock,
    random: () => 0.5,
  });
  return { client, clock };
}
