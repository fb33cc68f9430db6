import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BbsyncError } from '../errors.js';
import { MemoryLogger } from '../logger.js';
import { base64AtOffset, redactingLogger, Redactor, safePath, secretForms } from './redact.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

describe('base64AtOffset', () => {
  it('is a substring of the base64 of any text holding the secret at that offset (mod 3)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 7 }), fc.string({ minLength: 3, maxLength: 40 }), fc.string({ maxLength: 7 }), (prefix, secret, suffix) => {
        const offset = (Buffer.byteLength(prefix) % 3) as 0 | 1 | 2;
        const whole = Buffer.from(prefix + secret + suffix).toString('base64');
        expect(whole).toContain(base64AtOffset(secret, offset));
      }),
      { numRuns },
    );
  });

  it('keeps only characters that depend on the secret alone', () => {
    expect(base64AtOffset('abc', 0)).toBe('YWJj');
    expect(base64AtOffset('abcd', 0)).toBe('YWJjZ'); // the last 2 bits of 'd' share a character with what follows
    expect(base64AtOffset('abcdef', 1).length).toBeGreaterThanOrEqual(6);
  });
});

describe('Redactor', () => {
  const secret = 'S3cr3t+/value=with&odd chars';

  it('redacts the secret and its derived forms', () => {
    const redactor = new Redactor().add(secret, 'alice@example.com');
    const pair = `alice@example.com:${secret}`;
    const texts = [
      `plain ${secret} text`,
      `url ${encodeURIComponent(secret)}`,
      `form ${new URLSearchParams({ p: secret }).toString()}`,
      `header Basic ${Buffer.from(pair).toString('base64')}`,
      `embedded ${Buffer.from(`xx${secret}yy`).toString('base64')}`,
      `embedded ${Buffer.from(`x${secret}`).toString('base64')}`,
      `pair ${pair}`,
    ];
    for (const text of texts) {
      const out = redactor.redact(text);
      expect(out).toContain('***');
      expect(out).not.toContain(secret);
      for (const form of secretForms(secret, 'alice@example.com')) expect(out).not.toContain(form);
    }
  });

  it('redacts base64url (at every offset), hex and JSON-escaped forms', () => {
    const odd = 'Zq"9\\-UNIQUE?>>>~~~password';
    const redactor = new Redactor().add(odd, 'alice');
    const texts = [
      Buffer.from(odd).toString('base64url'),
      ...['', 'x', 'xy'].map((prefix) => Buffer.from(`${prefix}${odd}tail`).toString('base64url')),
      Buffer.from(odd).toString('hex'),
      Buffer.from(odd).toString('hex').toUpperCase(),
      JSON.stringify({ message: `echo ${odd}` }),
      Buffer.from(`alice:${odd}`).toString('base64url'),
    ];
    for (const text of texts) {
      const out = redactor.redact(text);
      expect(out, text).toContain('***');
      expect(out).not.toContain(odd);
      // What is left of an encoding is never 16 characters of it in a row.
      for (const form of secretForms(odd, 'alice')) if (form.length > 16) expect(out).not.toContain(form.slice(2, 18));
    }
  });

  it('redacts any 16 characters in a row of the secret or of its encodings, and leaves 15', () => {
    const redactor = new Redactor().add(secret, 'alice@example.com');
    const header = `Basic ${Buffer.from(`alice@example.com:${secret}`).toString('base64')}`;
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
      for (let start = 0; start + 16 <= form.length; start++) {
        const out = redactor.redact(`cut: ${form.slice(start, start + 16 + (start % 5))}…`);
        expect(out, form.slice(start, start + 16)).toMatch(/^cut: \*\*\*.{0,4}…$/);
      }
    }
    // A header cut by a server: its secret part is gone, the username's base64 may stay.
    expect(redactor.redact(`echo ${header.slice(0, -5)}`)).toContain('***');
    expect(redactor.redact(`echo ${header.slice(0, -5)}`)).not.toContain(Buffer.from(secret).toString('base64').slice(4, 20));
    // Two separate pieces are two stretches; 15 characters are left alone.
    expect(redactor.redact(`a ${secret.slice(0, 16)} b ${secret.slice(-17)} c`)).toBe('a *** b *** c');
    expect(redactor.redact(`a ${secret.slice(0, 15)} b`)).toBe(`a ${secret.slice(0, 15)} b`);
  });

  it('does not register tiny derived forms that would blank out ordinary text', () => {
    const redactor = new Redactor().add('abcd');
    expect(redactor.redact('abcd and YWJj')).toBe('*** and YWJj');
  });

  it('redactUrl keeps path and query, hides sensitive values and secrets, drops the origin', () => {
    const redactor = new Redactor().add('tok-123456');
    expect(redactor.redactUrl('https://user:pw@h.example/2.0/x?page=2&access_token=abc&Signature=zz&q=tok-123456')).toBe(
      '/2.0/x?page=2&access_token=***&Signature=***&q=***',
    );
    expect(safePath('/p?key=1&keyboard=2&auth')).toBe('/p?key=***&keyboard=2&auth');
  });

  it('redactError copies the error with a clean message, hint, path and cause', () => {
    const redactor = new Redactor().add('hunter2-very-secret');
    const cause = Object.assign(new Error('low level hunter2-very-secret'), { code: 'ECONNRESET', config: { headers: { authorization: 'hunter2-very-secret' } } });
    const error = new BbsyncError('network_error', 'failed hunter2-very-secret', { cause, path: '/x?q=hunter2-very-secret', status: 502, credentialIndex: 1 });
    const clean = redactor.redactError(error);
    expect(clean.code).toBe('network_error');
    expect(clean.status).toBe(502);
    expect(clean.credentialIndex).toBe(1);
    expect((clean.cause as { code?: string }).code).toBe('ECONNRESET');
    const printed = `${JSON.stringify(clean)}${inspect(clean, { depth: 10, showHidden: true })}${clean.stack}`;
    expect(printed).not.toContain('hunter2-very-secret');
    expect(printed).toContain('***');
  });

  it('redactingLogger redacts messages and nested fields', () => {
    const memory = new MemoryLogger();
    const logger = redactingLogger(memory, new Redactor().add('pa55word-xyz'));
    logger.warn('saw pa55word-xyz', { nested: { list: ['pa55word-xyz', 3] }, error: new Error('pa55word-xyz') });
    expect(JSON.stringify(memory.entries)).not.toContain('pa55word-xyz');
    expect(inspect(memory.entries, { depth: 10 })).not.toContain('pa55word-xyz');
  });
});
