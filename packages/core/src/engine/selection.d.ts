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
/**
 * Resolves the selected output streams to the definitions that write them. A definition runs when any of its
 * outputs is selected; workspace definitions that provide partitions always run (repository streams need them).
 * An unknown name is a `config_error` on `streams` listing the allowed names.
 */
export declare function resolveSelection(source: SourceDefinition, streams: readonly string[] | undefined): Selection;
//# sourceMappingURL=selection.d.ts.map