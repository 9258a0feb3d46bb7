import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Addresses of library media that a platform fetches by itself (Instagram pulls each image
 * and video from a URL): no sign-in, but an HMAC over the media id and an expiry, so an
 * address works only for the item it names and only until it expires.
 */
export const MEDIA_URL_PATH = '/public/media';

function signature(key: Buffer, mediaId: string, expires: number): string {
  return createHmac('sha256', key).update(`media:${mediaId}:${expires}`).digest('base64url');
}

/** `PUBLIC_URL/public/media/<id>?expires=<unix s>&signature=<HMAC>`. */
export function signMediaUrl(publicUrl: string, key: Buffer, mediaId: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const query = new URLSearchParams({
    expires: String(expires),
    signature: signature(key, mediaId, expires),
  });
  return `${publicUrl}${MEDIA_URL_PATH}/${encodeURIComponent(mediaId)}?${query.toString()}`;
}

/** `forged` for a wrong or missing signature (403), `expired` for a genuine one past its time (410). */
export function checkMediaSignature(
  key: Buffer,
  mediaId: string,
  query: { expires?: unknown; signature?: unknown },
  now: Date,
): 'ok' | 'forged' | 'expired' {
  const { expires, signature: given } = query;
  if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof given !== 'string')
    return 'forged';
  const expected = Buffer.from(signature(key, mediaId, Number(expires)));
  const received = Buffer.from(given);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) return 'forged';
  return Number(expires) * 1000 < now.getTime() ? 'expired' : 'ok';
}

/**
 * Why a platform on the internet could not fetch media from this hub, if it could not:
 * PUBLIC_URL must be HTTPS on a public host. A platform API on a private address (a local
 * stand-in) can reach a private hub, so nothing is said then.
 */
export function unreachableMediaReason(publicUrl: string, apiRoot: string): string | undefined {
  if (isPrivateHost(apiRoot)) return undefined;
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return `PUBLIC_URL (${publicUrl}) is not an address`;
  }
  if (url.protocol !== 'https:' || isPrivateHost(publicUrl))
    return `the platform fetches media from PUBLIC_URL, and ${url.origin} is not a public HTTPS address: set PUBLIC_URL to this hub's public https:// address`;
  return undefined;
}

function isPrivateHost(address: string): boolean {
  let host: string;
  try {
    host = new URL(address).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.test') ||
    host.endsWith('.internal') ||
    host === '::1' ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    /^0\./.test(host) ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    !host.includes('.')
  );
}
