import { SimProcess } from './sim-client.js';
import { requestFloor } from './floors.js';
import { runBaseline } from './baseline.js';
import { PINNED_SWITCHES } from './floors.js';
import { MEDIUM, LARGE } from './scenarios.js';
const size = process.argv[2] === 'large' ? LARGE : MEDIUM;
let t = performance.now();
const { sim, started } = await SimProcess.start({ seed: 20261101, size, switches: PINNED_SWITCHES, rateLimits: { cloudPerHour: 1e9 } }, 1);
console.log('start', ((performance.now() - t) / 1000).toFixed(1));
for (const api of ['cloud', 'datacenter'] as const) {
  t = performance.now();
  const census = await sim.census(api, false);
  console.log(api, 'census', ((performance.now() - t) / 1000).toFixed(1), census.records, requestFloor(census, false).byListing.map((f) => `${f.rule.id}:${f.listings}/${f.items}/${f.requests}`).join(' '), requestFloor(census, false).total);
  if (process.argv[2] !== 'large') {
    t = performance.now();
    const b = await runBaseline(api, started[api]);
    console.log(api, 'baseline', ((performance.now() - t) / 1000).toFixed(1), b);
  }
}
await sim.close();
