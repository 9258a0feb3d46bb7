import { createECDH, hkdfSync } from 'node:crypto';
import { ConfigError } from '../config/env';

/** The VAPID identity every process signs web pushes with (RFC 8292). */
export interface VapidKeys {
  /** Uncompressed P-256 point, base64url: what browsers pass to `pushManager.subscribe`. */
  publicKey: string;
  /** Never leaves the server; never logged. */
  privateKey: string;
  subject: string;
}

/** Order of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function publicKeyOf(privateKey: Buffer): string {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return ecdh.getPublicKey().toString('base64url');
}

/** A private scalar in [1, n-1] from the deployment secret; 48 bytes keep the modulo bias negligible. */
function derivePrivateKey(secretKey: Buffer): Buffer {
  const okm = Buffer.from(hkdfSync('sha256', secretKey, 'velvet', 'vapid p-256 private key', 48));
  const scalar = (BigInt(`0x${okm.toString('hex')}`) % (P256_N - 1n)) + 1n;
  return Buffer.from(scalar.toString(16).padStart(64, '0'), 'hex');
}

function defaultSubject(publicUrl: string | undefined): string {
  if (publicUrl?.startsWith('https://') && !/^https:\/\/localhost\b/.test(publicUrl)) return publicUrl;
  return 'mailto:webpush@velvet.invalid';
}

/**
 * VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set (both, and matching); otherwise derived from
 * the deployment secret, so hubs and workers on any machine sign with the keys browsers
 * subscribed with, and the keys survive restarts like the secret itself.
 */
export function resolveVapidKeys(
  env: { VAPID_PUBLIC_KEY?: string; VAPID_PRIVATE_KEY?: string; VAPID_SUBJECT?: string; PUBLIC_URL?: string },
  secretKey: Buffer,
): VapidKeys {
  const subject = env.VAPID_SUBJECT ?? defaultSubject(env.PUBLIC_URL);
  if (env.VAPID_PUBLIC_KEY || env.VAPID_PRIVATE_KEY) {
    if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) {
      throw new ConfigError('Invalid environment: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together');
    }
    let derived: string;
    try {
      derived = publicKeyOf(Buffer.from(env.VAPID_PRIVATE_KEY, 'base64url'));
    } catch {
      throw new ConfigError('Invalid environment: VAPID_PRIVATE_KEY is not a P-256 private key');
    }
    if (derived !== env.VAPID_PUBLIC_KEY) {
      throw new ConfigError('Invalid environment: VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY');
    }
    return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject };
  }
  const privateKey = derivePrivateKey(secretKey);
  return { publicKey: publicKeyOf(privateKey), privateKey: privateKey.toString('base64url'), subject };
}
