import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FANVUE_SIGNATURE_TOLERANCE_S } from './fanvue.schema';

/** Fanvue's webhook signature: hex HMAC-SHA256 of `${t}.${rawBody}` with the app's signing secret. */
export function fanvueSignature(secret: string, t: number | string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret)
    .update(`${t}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/**
 * Reads `t=<unix>,v0=<hex>`; during a secret rotation Fanvue sends two values, as
 * `v0=<old>,<new>` (or `v0=<old>,v0=<new>`): both are kept.
 */
export function parseFanvueSignature(header: string): { t: number; v0: string[] } | undefined {
  let t: number | undefined;
  const v0: string[] = [];
  let last: string | undefined;
  for (const part of header.split(',')) {
    const [key, value] = part.includes('=') ? part.split('=', 2) : [last, part];
    const k = key?.trim();
    const v = value?.trim() ?? '';
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v0' && /^[0-9a-fA-F]{64}$/.test(v)) v0.push(v.toLowerCase());
    last = k;
  }
  return t !== undefined && v0.length > 0 && v0.length <= 4 ? { t, v0 } : undefined;
}

/**
 * Whether one `v0` is the signature of these exact bytes under one of `secrets`, signed
 * within five minutes of `nowMs`. Constant time per comparison.
 */
export function verifyFanvueSignature(
  header: string | undefined,
  rawBody: Buffer,
  secrets: readonly string[],
  nowMs: number,
): boolean {
  if (!header || secrets.length === 0) return false;
  const parsed = parseFanvueSignature(header);
  if (!parsed) return false;
  if (Math.abs(nowMs / 1000 - parsed.t) > FANVUE_SIGNATURE_TOLERANCE_S) return false;
  let ok = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = digest(fanvueSignature(secret, parsed.t, rawBody));
    // Every pair is compared (no early exit), each in constant time.
    for (const given of parsed.v0) ok = timingSafeEqual(digest(given), expected) || ok;
  }
  return ok;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
