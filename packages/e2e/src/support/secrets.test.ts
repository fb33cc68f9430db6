/** The leak detector itself: it must find a secret in every form and every layer the leak tests rely on. */
import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findLeaks, leakForms } from './secrets.js';

const SECRET = 'S3cr3t-e2e-detector-9a8b7c';
const USER = 'someone@example.com';

function tar(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write(content.length.toString(8).padStart(11, '0'), 124, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar', 257, 'latin1');
  return Buffer.concat([header, content, Buffer.alloc((512 - (content.length % 512)) % 512), Buffer.alloc(1024)]);
}

function zip(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

describe('findLeaks', () => {
  const forms = leakForms(SECRET, USER);

  it('finds the secret, its URL encoding, base64 at every offset and base64(user:secret)', () => {
    const plants = [
      `x ${SECRET} y`,
      `q=${encodeURIComponent(SECRET)}`,
      `Authorization: Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`,
      ...[0, 1, 2].map((offset) => Buffer.from(`${'p'.repeat(offset + 3)}${SECRET}tail`).toString('base64')),
    ];
    for (const plant of plants) expect(findLeaks(new Map([['text', plant]]), forms), plant).not.toEqual([]);
  });

  it('finds base64url and hex forms, at every byte offset for base64url', () => {
    const base64url = (text: string) => Buffer.from(text).toString('base64url');
    const plants = [
      `b64url ${base64url(SECRET)}`,
      ...[0, 1, 2].map((offset) => base64url(`${'p'.repeat(offset + 3)}${SECRET}tail`)),
      `hex ${Buffer.from(SECRET).toString('hex')}`,
      `HEX ${Buffer.from(SECRET).toString('hex').toUpperCase()}`,
      `basic url-safe ${base64url(`${USER}:${SECRET}`)}`,
    ];
    for (const plant of plants) expect(findLeaks(new Map([['text', plant]]), forms), plant).not.toEqual([]);
  });

  it('finds any 16 characters in a row of the secret and of its encodings, and nothing shorter', () => {
    const encodings = [
      SECRET,
      encodeURIComponent(SECRET),
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(`xy${SECRET}tail`).toString('base64').slice(3, -7),
      Buffer.from(SECRET).toString('hex'),
    ];
    for (const encoding of encodings) {
      for (let start = 0; start + 16 <= encoding.length; start++) {
        const piece = encoding.slice(start, start + 16);
        // Cut on both sides and wrapped in other text, as a truncated message would be.
        expect(findLeaks(new Map([['text', `HTTP 401: ${'p'.repeat(240)} ${piece}…`]]), forms), piece).not.toEqual([]);
      }
    }
    // A cut Authorization header: 45 of its characters, the secret's part among them.
    const header = `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`;
    expect(findLeaks(new Map([['text', header.slice(0, header.length - 7)]]), forms)).not.toEqual([]);
    // Fifteen characters are below the threshold (and a 15-character piece of text is not a credential).
    expect(findLeaks(new Map([['text', `x ${SECRET.slice(0, 15)} y ${SECRET.slice(-15)}`]]), forms)).toEqual([]);
  });

  it('finds a partial secret inside gzip', () => {
    expect(findLeaks(new Map([['segment', gzipSync(Buffer.from(`{"m":"${SECRET.slice(3, 21)}"}`))]]), forms)).not.toEqual([]);
  });

  it('opens gzip inside tar inside gzip, and deflated zip entries', () => {
    const segment = gzipSync(Buffer.from(`{"data":"${SECRET}"}\n`));
    const archive = gzipSync(tar('streams/a/x.jsonl.gz', segment));
    expect(findLeaks(new Map([['cache', archive]]), forms).map((f) => f.where)).toContain('cache!gunzip!streams/a/x.jsonl.gz!gunzip');
    expect(findLeaks(new Map([['artifact', zip('streams/a/x.jsonl.gz', segment)]]), forms)).not.toEqual([]);
  });

  it('finds nothing in clean text', () => {
    expect(findLeaks(new Map([['clean', 'nothing to see here: *** redacted']]), forms)).toEqual([]);
  });
});
