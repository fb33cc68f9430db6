/**
 * Opens every layer of what bbsync produces so a secret cannot hide in a compressed one: gzip (segments), zstd
 * (a cache archive), zip (an artifact) and tar (the cache's archive), recursively, down to text.
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';
import * as zlib from 'node:zlib';

export interface Layer {
  /** Where it came from, e.g. `artifact.zip!streams/x/a.jsonl.gz!` */
  readonly name: string;
  readonly text: string;
}

const zstdDecompress = (zlib as unknown as { zstdDecompressSync?: (buffer: Buffer) => Buffer }).zstdDecompressSync;

/** Every layer of `data`, outermost first; each is also given as latin1 and utf8 text. */
export function expandLayers(name: string, data: Buffer, depth = 0): Layer[] {
  const layers: Layer[] = [{ name, text: data.toString('utf8') }, { name: `${name} (latin1)`, text: data.toString('latin1') }];
  if (depth > 6 || data.length < 4) return layers;
  try {
    if (data[0] === 0x1f && data[1] === 0x8b) return [...layers, ...expandLayers(`${name}!gunzip`, gunzipSync(data), depth + 1)];
    if (data.readUInt32LE(0) === 0xfd2fb528 && zstdDecompress !== undefined) return [...layers, ...expandLayers(`${name}!unzstd`, zstdDecompress(data), depth + 1)];
    if (data.readUInt32LE(0) === 0x04034b50) {
      for (const [entry, content] of readZip(data)) layers.push(...expandLayers(`${name}!${entry}`, content, depth + 1));
      return layers;
    }
    if (data.length >= 512 && data.subarray(257, 262).toString('latin1') === 'ustar') {
      for (const [entry, content] of readTar(data)) layers.push(...expandLayers(`${name}!${entry}`, content, depth + 1));
      return layers;
    }
  } catch (error) {
    // A layer that cannot be opened is a test failure: a secret could hide in it.
    throw new Error(`cannot open ${name}: ${(error as Error).message}`);
  }
  return layers;
}

/** The entries of a zip archive (stored or deflated), from its central directory. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('no zip end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    if (!name.endsWith('/')) entries.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The regular files of a (ustar / GNU / pax) tar archive. */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    longName = undefined;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0' || type === 'x' || type === 'g') files.set(type === '0' || type === '\0' ? name : `${name} (${type === 'x' ? 'pax' : 'global pax'} header)`, Buffer.from(body));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
