/**
 * Deterministic hashing: every derived value (commit hashes, uuids, texts) is a pure function of the seed and
 * a few integers, so nothing but compact columns has to be kept in memory.
 */

/** 32-bit avalanche mix of two integers (murmur3 finalizer over a combined word). */
export function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes any number of integers. */
export function mixAll(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) h = mix(h, part | 0);
  return h;
}

/** A string salt as an integer (FNV-1a). */
export function saltOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** `length` lower-case hex characters derived from the parts. */
export function hexOf(length: number, ...parts: readonly number[]): string {
  let out = '';
  let h = mixAll(...parts);
  let i = 0;
  while (out.length < length) {
    h = mix(h, i++);
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** A `{xxxxxxxx-xxxx-4xxx-axxx-xxxxxxxxxxxx}` uuid as Bitbucket Cloud writes them (with braces). */
export function braceUuidOf(...parts: readonly number[]): string {
  return `{${plainUuidOf(...parts)}}`;
}

/** A uuid without braces. */
export function plainUuidOf(...parts: readonly number[]): string {
  const h = hexOf(32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Uniform [0, 1) from the parts. */
export function unitOf(...parts: readonly number[]): number {
  return mixAll(...parts) / 4294967296;
}

/** Integer in [min, max] from the parts. */
export function intOf(min: number, max: number, ...parts: readonly number[]): number {
  return min + Math.floor(unitOf(...parts) * (max - min + 1));
}
