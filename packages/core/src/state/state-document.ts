import { BbsyncError } from '../errors.js';
import { dataKeyed } from '../data-keyed.js';
import type { FailedPartition, PartitionState, SyncState } from './types.js';

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
  const failed = parseFailed(document.failed, where);
  return { version: STATE_VERSION, scope, streams: streams as SyncState['streams'], ...(failed.length === 0 ? {} : { failed }) };
}

/** The optional `failed` list of a state document (absent in documents written before it existed). */
function parseFailed(value: unknown, where: string): FailedPartition[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw stateError(where, '`failed` is not a list');
  return value.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.stream !== 'string' || typeof entry.partition !== 'string' || typeof entry.code !== 'string' || typeof entry.failedAt !== 'string') {
      throw stateError(where, `failed[${index}] is not a failed partition ({stream, partition, code, failedAt})`);
    }
    return { stream: entry.stream, partition: entry.partition, code: entry.code, failedAt: entry.failedAt };
  });
}

/** The key of a failure mark: both parts, unambiguous whatever they contain. */
function failureKey(stream: string, key: string): string {
  return JSON.stringify([stream, key]);
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
 * Partition states kept parsed besides their bytes: the most recently used, so the partitions a run is reading
 * (and what they look up, such as a repository's other cursors) stay parsed, and the rest of a large state
 * lives only as bytes.
 */
export const PARSED_STATES_KEPT = 256;

/**
 * UTF-8 bytes of `text` in a buffer of their own: off the V8 heap, flat, and not a slice of Node's shared
 * 8 KiB pool (a long-lived slice would keep its whole pool slab alive).
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

/** One partition's state: parsed, or as its bytes in the document, or both. */
interface Entry {
  /** Deep-frozen; dropped once `bytes` exist and the entry is not among the recently used. */
  state: PartitionState | undefined;
  /** A line break, the key, a colon and the pretty-printed state, as in the document; dropped when the state changes. */
  bytes: Buffer | undefined;
  /** Where the state starts in `bytes`. */
  valueAt: number;
}

/**
 * Holds the state in memory; both stores share it.
 *
 * The file store writes the whole document on every commit, so each partition's serialized bytes are kept until
 * that partition changes: a write then costs the bytes it writes, not a `JSON.stringify` of every cursor (which,
 * done on every commit of a large workspace, made the run CPU-bound and filled the heap with multi-megabyte
 * strings). Bytes, not strings: as strings they would be ropes of slices several times their size.
 *
 * Parsed states are kept only for the {@link PARSED_STATES_KEPT} most recently used partitions (and for every
 * partition of a stream someone listed whole with `partitions`); the others are parsed again from their bytes
 * when asked for. A workspace of thousands of repositories would otherwise hold every cursor twice, parsed and
 * as bytes, for the whole run.
 */
export class StateDocument {
  readonly scope: string;
  /** Maps, not objects: keys are data (repository UUIDs, stream names), and `__proto__` or `constructor` is a key like any other. */
  readonly #entries = new Map<string, Map<string, Entry>>();
  /** Entries holding a parsed state that may be dropped, least recently used first (a Map keeps insertion order). */
  readonly #recent = new Map<Entry, true>();
  /** Streams listed whole: their states stay parsed. */
  readonly #pinned = new Set<string>();
  /** Failure marks by {@link failureKey}, in the order they were made. */
  readonly #failures = new Map<string, FailedPartition>();

  constructor(state: SyncState) {
    this.scope = state.scope;
    for (const failure of state.failed ?? []) this.#failures.set(failureKey(failure.stream, failure.partition), { ...failure });
    for (const [stream, partitions] of Object.entries(copyJson(state.streams) as StreamStates)) {
      const entries = new Map<string, Entry>();
      this.#entries.set(stream, entries);
      for (const [key, partition] of Object.entries(partitions)) {
        const entry: Entry = { state: deepFreeze(partition), bytes: undefined, valueAt: 0 };
        entries.set(key, entry);
        this.#recent.set(entry, true);
      }
    }
  }

  get(stream: string, key: string): PartitionState | undefined {
    const entry = this.#entries.get(stream)?.get(key);
    return entry === undefined ? undefined : this.#stateOf(entry, stream);
  }

  /** Without a prototype: a partition key such as `constructor` reads as what it is, and `__proto__` is kept. */
  partitions(stream: string): Readonly<Record<string, PartitionState>> {
    this.#pinned.add(stream);
    const out = dataKeyed<PartitionState>();
    for (const [key, entry] of this.#entries.get(stream) ?? []) out[key] = this.#stateOf(entry, stream);
    return out;
  }

  /** The failure mark of a partition. */
  failure(stream: string, key: string): FailedPartition | undefined {
    return this.#failures.get(failureKey(stream, key));
  }

  /** All failure marks, oldest first. */
  failures(): readonly FailedPartition[] {
    return [...this.#failures.values()];
  }

  /** Sets (or, with `undefined`, clears) a partition's failure mark. */
  setFailure(stream: string, key: string, failure: FailedPartition | undefined): void {
    const id = failureKey(stream, key);
    this.#failures.delete(id);
    if (failure !== undefined) this.#failures.set(id, failure);
  }

  /** Sets a partition's state; a commit clears its failure mark. */
  set(stream: string, key: string, state: PartitionState): void {
    this.#failures.delete(failureKey(stream, key));
    let entries = this.#entries.get(stream);
    if (entries === undefined) this.#entries.set(stream, (entries = new Map()));
    const previous = entries.get(key);
    if (previous !== undefined) this.#recent.delete(previous);
    const entry: Entry = { state: deepFreeze(state), bytes: undefined, valueAt: 0 };
    entries.set(key, entry);
    this.#touch(entry, stream);
  }

  remove(stream: string, key: string): void {
    this.#failures.delete(failureKey(stream, key));
    const entries = this.#entries.get(stream);
    const entry = entries?.get(key);
    if (entries === undefined || entry === undefined) return;
    this.#recent.delete(entry);
    entries.delete(key);
    if (entries.size === 0) this.#entries.delete(stream);
  }

  /**
   * The document as it is now. Partition states are not copied: each is read from what the document holds at
   * this moment (a deep-frozen state, shared, or its bytes, parsed when the property is read, without keeping
   * the result), so a snapshot of a large state costs neither a copy of it nor, until read, a parse. Later
   * commits do not change it.
   */
  snapshot(): SyncState {
    // Without prototypes, like `partitions`: keys are data.
    const streams = dataKeyed<Record<string, PartitionState>>();
    for (const [stream, entries] of this.#entries) {
      const partitions = dataKeyed<PartitionState>();
      streams[stream] = partitions;
      for (const [key, entry] of entries) {
        const { state, bytes, valueAt } = entry;
        if (state !== undefined) partitions[key] = state;
        else Object.defineProperty(partitions, key, { enumerable: true, configurable: true, get: () => parseEntry(bytes as Buffer, valueAt) });
      }
    }
    const failed = this.failures();
    return { version: STATE_VERSION, scope: this.scope, streams, ...(failed.length === 0 ? {} : { failed }) };
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
    // In the order JSON.stringify writes an object's keys (integer-like keys first, ascending, then the others in
    // insertion order), as `snapshot()` is an object: a prototype-free object of the entries gives that order.
    const streams = Object.keys(dataKeyed(this.#entries));
    if (streams.length === 0) parts.push(Buffer.from('{}'));
    for (const [streamIndex, stream] of streams.entries()) {
      parts.push(Buffer.from(`${streamIndex === 0 ? '{\n' : ',\n'}    ${JSON.stringify(stream)}: `));
      const entries = dataKeyed(this.#entries.get(stream) as Map<string, Entry>);
      const keys = Object.keys(entries);
      if (keys.length === 0) {
        parts.push(Buffer.from('{}'));
        continue;
      }
      for (const [keyIndex, key] of keys.entries()) {
        const entry = entries[key] as Entry;
        if (entry.bytes === undefined) {
          const head = `\n${PARTITION_INDENT}${JSON.stringify(key)}: `;
          const text = JSON.stringify(entry.state, null, 2).replaceAll('\n', `\n${PARTITION_INDENT}`);
          entry.bytes = ownBytes(`${head}${text}`);
          entry.valueAt = Buffer.byteLength(head, 'utf8');
        }
        parts.push(keyIndex === 0 ? OPEN_BRACE : COMMA, entry.bytes);
      }
      parts.push(Buffer.from('\n    }'));
    }
    if (streams.length > 0) parts.push(Buffer.from('\n  }'));
    // Written only when a partition failed, so a state without failures reads as it always did.
    if (this.#failures.size > 0) {
      const failed = JSON.stringify([...this.#failures.values()], null, 2).replaceAll('\n', '\n  ');
      parts.push(Buffer.from(`,\n  "failed": ${failed}`));
    }
    parts.push(Buffer.from('\n}\n'));
    // Everything has bytes now: the parsed states of partitions not used lately can go.
    this.#trim();
    return parts;
  }

  #stateOf(entry: Entry, stream: string): PartitionState {
    entry.state ??= parseEntry(entry.bytes as Buffer, entry.valueAt);
    this.#touch(entry, stream);
    return entry.state;
  }

  /**
   * Marks an entry most recently used (pinned streams keep their states: they are not tracked). Trimming waits
   * for the next write, which gives every entry its bytes.
   */
  #touch(entry: Entry, stream: string): void {
    if (this.#pinned.has(stream)) {
      this.#recent.delete(entry);
      return;
    }
    this.#recent.delete(entry);
    this.#recent.set(entry, true);
  }

  /** Drops the parsed states of the least recently used entries that have bytes, down to {@link PARSED_STATES_KEPT}. */
  #trim(): void {
    for (const entry of this.#recent.keys()) {
      if (this.#recent.size <= PARSED_STATES_KEPT) return;
      if (entry.bytes === undefined) continue;
      entry.state = undefined;
      this.#recent.delete(entry);
    }
  }
}

/** Parses a partition's state back from its bytes in the document (the indentation is JSON whitespace). */
function parseEntry(bytes: Buffer, valueAt: number): PartitionState {
  return deepFreeze(JSON.parse(bytes.toString('utf8', valueAt)) as PartitionState);
}
