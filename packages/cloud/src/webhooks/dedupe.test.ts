import { describe, expect, it } from 'vitest';
import { DeliveryDeduper } from './dedupe.js';

describe('DeliveryDeduper', () => {
  it('passes a delivery once and drops its retries', () => {
    const dedupe = new DeliveryDeduper();
    expect(dedupe.firstSeen('a')).toBe(true);
    expect(dedupe.firstSeen('a')).toBe(false);
    expect(dedupe.firstSeen('b')).toBe(true);
    expect(dedupe.firstSeen(undefined)).toBe(true);
    expect(dedupe.firstSeen(undefined)).toBe(true);
  });

  it('stays bounded, forgetting the least recently seen', () => {
    const dedupe = new DeliveryDeduper(2);
    dedupe.firstSeen('a');
    dedupe.firstSeen('b');
    dedupe.firstSeen('a'); // a is now the most recent
    dedupe.firstSeen('c'); // evicts b
    expect(dedupe.size).toBe(2);
    expect(dedupe.firstSeen('a')).toBe(false);
    expect(dedupe.firstSeen('b')).toBe(true);
  });
});
