import { BbsyncError } from '../errors.js';
/** The only state document version this code reads and writes. */
export const STATE_VERSION = 1;
export function emptyState(scope) {
    return { version: STATE_VERSION, scope, streams: {} };
}
function stateError(where, problem) {
    return new BbsyncError('config_error', `state (${where}): ${problem}`, {
        field: 'state',
        hint: 'Point bbsync at the state of this source and scope, or start from an empty state (a full sync).',
    });
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * Parses and checks a state document. A document of another `scope` (another source, workspace or server) or
 * an unknown `version` is a `config_error`: silently reusing it would skip or replay data.
 */
export function parseState(text, scope, where) {
    let document;
    try {
        document = JSON.parse(text);
    }
    catch (error) {
        throw stateError(where, `is not valid JSON (${error.message})`);
    }
    if (!isRecord(document))
        throw stateError(where, 'is not a JSON object');
    if (document.version !== STATE_VERSION) {
        throw stateError(where, `has version ${JSON.stringify(document.version)}, but this bbsync reads version ${STATE_VERSION} only`);
    }
    if (document.scope !== scope) {
        throw stateError(where, `belongs to scope ${JSON.stringify(document.scope)}, not ${JSON.stringify(scope)}`);
    }
    const streams = document.streams;
    if (!isRecord(streams))
        throw stateError(where, '`streams` is not an object');
    for (const [stream, partitions] of Object.entries(streams)) {
        if (!isRecord(partitions))
            throw stateError(where, `streams.${stream} is not an object`);
        for (const [key, partition] of Object.entries(partitions)) {
            if (!isRecord(partition) || typeof partition.committedAt !== 'string' || !('cursor' in partition)) {
                throw stateError(where, `streams.${stream}[${JSON.stringify(key)}] is not a partition state`);
            }
        }
    }
    return { version: STATE_VERSION, scope, streams: streams };
}
/** Copies a JSON value, so a caller mutating its cursor object later cannot change what was committed. */
export function copyJson(value) {
    return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
/** Freezes a JSON value all the way down: `get` hands out the stored object, which nobody may change. */
function deepFreeze(value) {
    if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value))
            deepFreeze(child);
    }
    return value;
}
/** Builds the partition state that `commit` stores. */
export function partitionState(cursor, committedAt, partition, outputs) {
    return {
        cursor: copyJson(cursor),
        committedAt,
        ...(partition === undefined ? {} : { partition: copyJson(partition) }),
        ...(outputs === undefined ? {} : { outputs: [...outputs] }),
    };
}
/** Holds the state in memory; both stores share it. */
export class StateDocument {
    scope;
    #streams;
    constructor(state) {
        this.scope = state.scope;
        this.#streams = copyJson(state.streams);
        for (const partitions of Object.values(this.#streams))
            deepFreeze(Object.values(partitions));
    }
    get(stream, key) {
        return this.#streams[stream]?.[key];
    }
    partitions(stream) {
        return { ...this.#streams[stream] };
    }
    set(stream, key, state) {
        (this.#streams[stream] ??= {})[key] = deepFreeze(state);
    }
    remove(stream, key) {
        const partitions = this.#streams[stream];
        if (partitions === undefined)
            return;
        delete partitions[key];
        if (Object.keys(partitions).length === 0)
            delete this.#streams[stream];
    }
    snapshot() {
        return { version: STATE_VERSION, scope: this.scope, streams: copyJson(this.#streams) };
    }
    serialize() {
        return `${JSON.stringify({ version: STATE_VERSION, scope: this.scope, streams: this.#streams }, null, 2)}\n`;
    }
}
//# sourceMappingURL=state-document.js.map