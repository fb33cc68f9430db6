/** Every record of a full sync (and of an incremental one) validates against `schemas/<stream>.json`. */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_STREAMS } from './streams/names.js';
import { validate, type Schema } from './testing/json-schema.js';
import { startHarness, type Harness, type Records } from './testing/harness.js';

let harness: Harness;
let snapshot: Records;
beforeAll(async () => {
  harness = await startHarness({ size: 'tiny' });
  // Every stream, the opt-in ones too.
  await harness.run({ streams: [...CLOUD_STREAMS] });
  const control = harness.sim.cloud.control;
  const repo = control.repositories()[0] as string;
  control.advance(3_600_000);
  const id = control.openPullRequest(repo, { commits: 2 });
  control.commentOnPullRequest(repo, id);
  control.approvePullRequest(repo, id);
  control.mergePullRequest(repo, id);
  await harness.run({ streams: [...CLOUD_STREAMS] });
  snapshot = await harness.snapshot();
});
afterAll(async () => {
  await harness.close();
});

describe('JSON Schemas', () => {
  it.each([...CLOUD_STREAMS])('%s records validate', async (stream) => {
    const schema = JSON.parse(await readFile(new URL(`../schemas/${stream}.json`, import.meta.url), 'utf8')) as Schema;
    const records = [...(snapshot.get(stream)?.values() ?? [])];
    if (stream !== 'commit_details') expect(records.length, stream).toBeGreaterThan(0);
    const problems = records.flatMap((record) => validate(schema, record));
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('the checker catches a wrong shape', () => {
    expect(validate({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }, { id: '1' })).toEqual(['$.id: is string, expected integer']);
  });
});
