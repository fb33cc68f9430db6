import { it } from 'vitest';
import { startEngineHarness } from './test-support/engine-harness.js';

it('probe', async () => {
  const h = await startEngineHarness({ config: { pageSize: 3 } });
  try {
    for (let i = 0; i < 8; i++) {
      const r = await h.run({ maxRequests: 60 });
      const m = r.manifest;
      console.log(i, m.status, m.requests.total, 'remaining', m.remaining.length, JSON.stringify(Object.fromEntries(Object.entries(m.definitions ?? {}).map(([k, v]) => [k, [v.partitions, v.failedPartitions, v.requests]]))));
    }
    const c = await h.run({ lane: 'clean' });
    console.log('clean', c.requests, JSON.stringify(c.manifest.definitions));
  } finally { await h.close(); }
});
