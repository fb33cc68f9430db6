import { BbsyncError, configError } from '../errors.js';
import { assertSafeStreamName } from '../output/safe-name.js';
import type { OutputSpec, SourceDefinition, StreamDefinition } from './types.js';

/** A definition the run will execute, with the outputs of it the user selected (possibly none, for a provider). */
export interface PlannedDefinition {
  readonly definition: StreamDefinition;
  /** Selected outputs of this definition, in definition order. */
  readonly outputs: readonly string[];
  readonly specs: ReadonlyMap<string, OutputSpec>;
}

export interface Selection {
  /** Selected output stream names. */
  readonly selected: ReadonlySet<string>;
  /** Definitions to run, in source order. */
  readonly definitions: readonly PlannedDefinition[];
}

function connectorBug(message: string): BbsyncError {
  return new BbsyncError('config_error', message, { field: 'streams', disposition: 'fatal', hint: 'This is a bug in the connector.' });
}

/**
 * Resolves the selected output streams to the definitions that write them. A definition runs when any of its
 * outputs is selected (by default every output but the opt-in ones); workspace definitions that provide partitions always run (repository streams need them).
 * An unknown name is a `config_error` on `streams` listing the allowed names.
 */
export function resolveSelection(source: SourceDefinition, streams: readonly string[] | undefined): Selection {
  const allOutputs: string[] = [];
  const defaultOutputs: string[] = [];
  const definitionNames = new Set<string>();
  for (const definition of source.streams) {
    if (definitionNames.has(definition.name)) throw connectorBug(`two stream definitions are named ${JSON.stringify(definition.name)}`);
    definitionNames.add(definition.name);
    for (const output of definition.outputs) {
      assertSafeStreamName(output.name);
      if (allOutputs.includes(output.name)) throw connectorBug(`two definitions write the output stream ${JSON.stringify(output.name)}`);
      allOutputs.push(output.name);
      if (output.optIn !== true) defaultOutputs.push(output.name);
    }
  }
  const allowed = allOutputs.join(', ');
  if (streams !== undefined) {
    if (streams.length === 0) throw configError('streams', 'select at least one stream', allowed);
    const unknown = streams.filter((name) => !allOutputs.includes(name));
    if (unknown.length > 0) {
      throw configError('streams', `unknown stream${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}`, allowed);
    }
  }
  const selected = new Set(streams ?? defaultOutputs);
  const definitions: PlannedDefinition[] = [];
  for (const definition of source.streams) {
    const outputs = definition.outputs.map((output) => output.name).filter((name) => selected.has(name));
    const isProvider = definition.scope === 'workspace' && definition.providesPartitions === true;
    if (outputs.length === 0 && !isProvider) continue;
    definitions.push({ definition, outputs, specs: new Map(definition.outputs.map((output) => [output.name, output])) });
  }
  return { selected, definitions };
}
