import { createHash } from 'node:crypto';

const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
/** 2020-01-01T00:00:00Z in microseconds: the derived keys' timestamps start there. */
const EPOCH_US = 1_577_836_800_000_000n;
/** About 4.5 years of microseconds: keys land in 2020–2024, never in the future. */
const SPAN_US = 1n << 47n;

/**
 * The record key of a target's post: a valid TID (13 base32-sortable characters, what
 * `app.bsky.feed.post` requires) derived from the target id alone, so every attempt writes to
 * the same key and a second post for one target is impossible. 57 bits of the id's hash
 * make two targets' keys collide practically never.
 */
export function recordKeyFor(targetId: string): string {
  const hash = createHash('sha256').update(`velvet-post:${targetId}`).digest();
  const bits = hash.readBigUInt64BE(0);
  const micros = EPOCH_US + ((bits >> 17n) % SPAN_US);
  const clockId = bits & 0x3ffn;
  let value = (micros << 10n) | clockId;
  let key = '';
  for (let i = 0; i < 13; i++) {
    key = ALPHABET[Number(value & 31n)] + key;
    value >>= 5n;
  }
  return key;
}
