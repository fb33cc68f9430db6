import { describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { resolveSelection } from './selection.js';
import type { SourceDefinition } from './types.js';

const key = (record: { id: string }) => record.id;
const source: SourceDefinition = {
  kind: 'test',
  streams: [
    { name: 'repos', scope: 'workspace', providesPartitions: true, outputs: [{ name: 'repos', primaryKey: key }], read: async () => undefined },
    { name: 'prs', scope: 'repository', outputs: [{ name: 'prs', primaryKey: key }, { name: 'pr_events', primaryKey: key, optIn: true }], read: async () => undefined },
    { name: 'deploys', scope: 'repository', outputs: [{ name: 'deploys', primaryKey: key, optIn: true }], read: async () => undefined },
  ],
};

describe('resolveSelection', () => {
  it('selects every output but the opt-in ones by default', () => {
    const selection = resolveSelection(source, undefined);
    expect([...selection.selected]).toEqual(['repos', 'prs']);
    expect(selection.definitions.map((planned) => [planned.definition.name, planned.outputs])).toEqual([
      ['repos', ['repos']],
      ['prs', ['prs']],
    ]);
  });

  it('selects opt-in outputs when named', () => {
    const selection = resolveSelection(source, ['prs', 'pr_events', 'deploys']);
    expect(selection.definitions.map((planned) => [planned.definition.name, planned.outputs])).toEqual([
      ['repos', []],
      ['prs', ['prs', 'pr_events']],
      ['deploys', ['deploys']],
    ]);
  });

  it('names the allowed streams, opt-in ones included, for an unknown one', () => {
    try {
      resolveSelection(source, ['nope']);
      expect.unreachable();
    } catch (error) {
      expect(isBbsyncError(error, 'config_error')).toBe(true);
      expect((error as Error).message).toContain('deploys');
    }
  });
});
