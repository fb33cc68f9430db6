import { createHash } from 'node:crypto';
import { BbsyncError } from '../errors.js';
/** Longest readable part of a partition's file name; the whole segment name stays far below 255 bytes. */
const MAX_READABLE_LENGTH = 80;
/**
 * A file-name stem for a partition: its name reduced to `[A-Za-z0-9._-]`, without leading dots or dashes (no
 * `..`, no hidden files, nothing a shell reads as an option), capped in length, plus a short hash of the
 * partition's key and name. Names from the API (`workspace/slug`, `PROJECT/slug`, unicode, very long) can thus
 * neither escape the run folder nor collide: two partitions that differ in key or name differ in the hash.
 */
export function safePartitionName(partition) {
    const readable = partition.name
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '') // drop the accents NFKD split off: `Ü` becomes `U`
        .replace(/[^A-Za-z0-9._-]+/g, '_')
        .replace(/^[._-]+/, '')
        .slice(0, MAX_READABLE_LENGTH) || 'partition';
    const hash = createHash('sha256').update(`${partition.key}\u0000${partition.name}`).digest('hex').slice(0, 10);
    return `${readable}-${hash}`;
}
const STREAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;
/** Stream names become folder names, so they must be plain (they come from connectors, not from the API). */
export function assertSafeStreamName(name) {
    if (!STREAM_NAME.test(name)) {
        throw new BbsyncError('config_error', `stream name ${JSON.stringify(name)} is not a safe folder name (allowed: [A-Za-z0-9_-], up to 100 characters)`, {
            field: 'streams',
            disposition: 'fatal',
            hint: 'This is a bug in the connector: rename the stream.',
        });
    }
}
const SEGMENT_FILE = /^(.+)\.(\d+)\.jsonl(\.gz)?$/;
/** The parts of a finished segment's file name, or undefined for anything else (`.partial` files included). */
export function parseSegmentName(fileName) {
    const match = SEGMENT_FILE.exec(fileName);
    if (match === null)
        return undefined;
    return { stem: match[1], seq: Number(match[2]), gzip: match[3] !== undefined };
}
/** Orders segment files for folding: by stem, then by sequence number (numerically, so 10 comes after 9). */
export function compareSegmentNames(a, b) {
    const left = parseSegmentName(a);
    const right = parseSegmentName(b);
    if (left === undefined || right === undefined)
        return a < b ? -1 : a > b ? 1 : 0;
    if (left.stem !== right.stem)
        return left.stem < right.stem ? -1 : 1;
    return left.seq - right.seq;
}
//# sourceMappingURL=safe-name.js.map