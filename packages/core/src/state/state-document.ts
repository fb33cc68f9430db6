import { BbsyncError } from '../errors.js';
import type { PartitionState, SyncState } from './types.js';

/** The only state document version this code reads and writes. */
export const STATE_VERSION = 1;

/** Mutable in-memory form of {@link SyncState}'s `streams`: stream -> partition key -> state. */
export type StreamStates = Record<string, Record<string, PartitionState>>;

export function emptyState(scope: string): SyncState {
  return { version: STATE_VERSION, scope, streams: {} };
}

function stateError(where: string, problem: string): BbsyncError {
  return new BbsyncError('config_error', `state (${where}): ${problem}`, {
    field: 'state',
    hint: 'Point bbsync at the state of this source and scope, or start from an empty state (a full sync).',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks a state document. A document of another `scope` (another source, workspace or server) or
 * an unknown `version` is a `config_error`: silently reusing it would skip or replay data.
 */
export function parseState(text: string, scope: string, where: string): SyncState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw stateError(where, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(document)) throw stateError(where, 'is not a JSON object');
  if (document.version !== STATE_VERSION) {
    throw stateError(where, `has version ${JSON.stringify(document.version)}, but this bbsync reads version ${STATE_VERSION} only`);
  }
  if (document.scope !== scope) {
    throw stateError(where, `belongs to scope ${JSON.stringify(document.scope)}, not ${JSON.stringify(scope)}`);
  }
  const streams = document.streams;
  if (!isRecord(streams)) throw stateError(where, '`streams` is not an object');
  for (const [stream, partitions] of Object.entries(streams)) {
    if (!isRecord(partitions)) throw stateError(where, `streams.${stream} is not an object`);
    for (const [key, partition] of Object.entries(partitions)) {
      if (!isRecord(partition) || typeof partition.committedAt !== 'string' || !('cursor' in partition)) {
        throw stateError(where, `streams.${stream}[${JSON.stringify(key)}] is not a partition state`);
      }
    }
  }
  return { version: STATE_VERSION, scope, streams: streams as SyncState['streams'] };
}

/** Copies a JSON value, so a caller mutating its cursor object later cannot change what was committed. */
export function copyJson<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

/** Freezes a JSON value all the way down: `get` hands out the stored object, which nobody may change. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Builds the partition state that `commit` stores. */
export function partitionState(cursor: unknown, committedAt: string, partition: unknown, outputs: readonly string[] | undefined): PartitionState {
  return {
    cursor: copyJson(cursor),
    committedAt,
    ...(partition === undefined ? {} : { partition: copyJson(partition) }),
    ...(outputs === undefined ? {} : { outputs: [...outputs] }),
  };
}

/** Indentation of a partition state inside the document (`streams` → stream → key → state), as `JSON.stringify(…, null, 2)` writes it. */
const PARTITION_INDENT = '      ';

const OPEN_BRACE = Buffer.from('{');
const COMMA = Buffer.from(',');

/**
 * UTF-8 bytes of `text` in a buffer of their own: off the V8 heap, flat, and not a slice of Node's shared
 * 8 KiB pool (a long-lived slice would keep its whole pool slab alive).
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

/**
 * Holds the state in memory; both stores share it. The file store writes the whole document on every commit,
 * so each partition's serialized bytes are kept until that partition changes: a write then costs the bytes it
 * writes, not a `JSON.stringify` of every cursor (which, done on every commit of a large workspace, made the
 * run CPU-bound and filled the heap with multi-megabyte strings). They are kept as bytes, not strings: as
 * strings they would be ropes of slices several times their size.
 */
export class StateDocument {
  readonly scope: string;
  #streams: StreamStates;
  /** stream → key → the partition's bytes in the document (a line break, its key, a colon, its pretty-printed state). */
  readonly #fragments = new Map<string, Map<string, Buffer>>();

  constructor(state: SyncState) {
    this.scope = state.scope;
    this.#streams = copyJson(state.streams) as StreamStates;
    for (const partitions of Object.values(this.#streams)) deepFreeze(Object.values(partitions));
  }

  get(stream: string, key: string): PartitionState | undefined {
    return this.#streams[stream]?.[key];
  }

  partitions(stream: string): Readonly<Record<string, PartitionState>> {
    return { ...this.#streams[stream] };
  }

  set(stream: string, key: string, state: PartitionState): void {
    (this.#streams[stream] ??= {})[key] = deepFreeze(state);
    this.#fragments.get(stream)?.delete(key);
  }

  remove(stream: string, key: string): void {
    const partitions = this.#streams[stream];
    if (partitions === undefined) return;
    delete partitions[key];
    this.#fragments.get(stream)?.delete(key);
    if (Object.keys(partitions).length === 0) {
      delete this.#streams[stream];
      this.#fragments.delete(stream);
    }
  }

  snapshot(): SyncState {
    return { version: STATE_VERSION, scope: this.scope, streams: copyJson(this.#streams) };
  }

  /** The document as JSON text: `JSON.stringify(document, null, 2)` and a newline. */
  serialize(): string {
    return Buffer.concat(this.serializeParts()).toString('utf8');
  }

  /**
   * The UTF-8 bytes of {@link serialize} in pieces (a few per partition, each partition's reused from the last
   * write unless it changed), so a writer can stream a large document without building it whole. Taken
   * synchronously: later changes do not alter the pieces returned.
   */
  serializeParts(): Buffer[] {
    const parts: Buffer[] = [Buffer.from(`{\n  "version": ${STATE_VERSION},\n  "scope": ${JSON.stringify(this.scope)},\n  "streams": `)];
    const streams = Object.keys(this.#streams);
    if (streams.length === 0) parts.push(Buffer.from('{}'));
    for (const [streamIndex, stream] of streams.entries()) {
      parts.push(Buffer.from(`${streamIndex === 0 ? '{\n' : ',\n'}    ${JSON.stringify(stream)}: `));
      const partitions = this.#streams[stream] as Record<string, PartitionState>;
      const keys = Object.keys(partitions);
      if (keys.length === 0) {
        parts.push(Buffer.from('{}'));
        continue;
      }
      let fragments = this.#fragments.get(stream);
      if (fragments === undefined) {
        fragments = new Map();
        this.#fragments.set(stream, fragments);
      }
      for (const [keyIndex, key] of keys.entries()) {
        let fragment = fragments.get(key);
        if (fragment === undefined) {
          const text = JSON.stringify(partitions[key], null, 2).replaceAll('\n', `\n${PARTITION_INDENT}`);
          fragment = ownBytes(`\n${PARTITION_INDENT}${JSON.stringify(key)}: ${text}`);
          fragments.set(key, fragment);
        }
        parts.push(keyIndex === 0 ? OPEN_BRACE : COMMA, fragment);
      }
      parts.push(Buffer.from('\n    }'));
    }
    if (streams.length > 0) parts.push(Buffer.from('\n  }'));
    parts.push(Buffer.from('\n}\n'));
    return parts;
  }
}
