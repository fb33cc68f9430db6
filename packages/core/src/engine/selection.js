import { BbsyncError, configError } from '../errors.js';
import { assertSafeStreamName } from '../output/safe-name.js';
function connectorBug(message) {
    return new BbsyncError('config_error', message, { field: 'streams', disposition: 'fatal', hint: 'This is a bug in the connector.' });
}
/**
 * Resolves the selected output streams to the definitions that write them. A definition runs when any of its
 * outputs is selected; workspace definitions that provide partitions always run (repository streams need them).
 * An unknown name is a `config_error` on `streams` listing the allowed names.
 */
export function resolveSelection(source, streams) {
    const allOutputs = [];
    const definitionNames = new Set();
    for (const definition of source.streams) {
        if (definitionNames.has(definition.name))
            throw connectorBug(`two stream definitions are named ${JSON.stringify(definition.name)}`);
        definitionNames.add(definition.name);
        for (const output of definition.outputs) {
            assertSafeStreamName(output.name);
            if (allOutputs.includes(output.name))
                throw connectorBug(`two definitions write the output stream ${JSON.stringify(output.name)}`);
            allOutputs.push(output.name);
        }
    }
    const allowed = allOutputs.join(', ');
    if (streams !== undefined) {
        if (streams.length === 0)
            throw configError('streams', 'select at least one stream', allowed);
        const unknown = streams.filter((name) => !allOutputs.includes(name));
        if (unknown.length > 0) {
            throw configError('streams', `unknown stream${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}`, allowed);
        }
    }
    const selected = new Set(streams ?? allOutputs);
    const definitions = [];
    for (const definition of source.streams) {
        const outputs = definition.outputs.map((output) => output.name).filter((name) => selected.has(name));
        const isProvider = definition.scope === 'workspace' && definition.providesPartitions === true;
        if (outputs.length === 0 && !isProvider)
            continue;
        definitions.push({ definition, outputs, specs: new Map(definition.outputs.map((output) => [output.name, output])) });
    }
    return { selected, definitions };
}
//# sourceMappingURL=selection.js.map