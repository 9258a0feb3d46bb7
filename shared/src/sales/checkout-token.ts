import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Single-use payment links for platforms without native payments. The token names the
 * offer and its expiry and is signed with a key derived from VELVET_SECRET; the offer's
 * status (paid once) makes it single-use.
 */

function sign(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

export function createCheckoutToken(key: Buffer, offerId: string, expiresAt: Date): string {
  const body = `${offerId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${body}.${sign(key, body)}`;
}

export type CheckoutTokenCheck =
  | { ok: true; offerId: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyCheckoutToken(key: Buffer, token: string, now: Date): CheckoutTokenCheck {
  const match = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, offerId, exp, signature] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(key, `${offerId}.${exp}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const expiresAt = new Date(Number(exp) * 1000);
  if (expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, offerId, expiresAt };
}

export function hashCheckoutToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The pack's checkout page with the token appended as `velvet_token`. */
export function checkoutUrl(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set('velvet_token', token);
  return url.toString();
}

/**
 * Checkout providers sign each webhook: header `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">` with the provider's secret. Old signatures are refused (replays).
 */
export function signPaymentWebhook(secret: string, rawBody: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export function verifyPaymentSignature(
  secret: string,
  header: string | undefined,
  rawBody: Buffer,
  now: Date,
  toleranceMs: number,
): 'ok' | 'missing' | 'malformed' | 'stale' | 'mismatch' {
  if (!header) return 'missing';
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const [k, ...v] = part.trim().split('=');
      return [k ?? '', v.join('=')];
    }),
  );
  const t = Number(parts.t);
  const v1 = parts.v1 ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return 'malformed';
  if (Math.abs(now.getTime() - t * 1000) > toleranceMs) return 'stale';
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${t}.`), rawBody]))
    .digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? 'ok' : 'mismatch';
}
