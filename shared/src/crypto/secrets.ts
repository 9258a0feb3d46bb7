import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deriveKey, SecretBox } from './secret-box';

export interface Secrets {
  /** HMAC key for access tokens. */
  jwtKey: Buffer;
  /** Seals platform credentials at rest. */
  credentials: SecretBox;
  /** HMAC key for single-use checkout tokens. */
  checkoutKey: Buffer;
  /** HMAC key for the signed, expiring media addresses platforms fetch (`signMediaUrl`). */
  mediaUrlKey: Buffer;
}

/**
 * VELVET_SECRET when set; otherwise a random one generated once into DATA_DIR/secret
 * (mode 0600) so tokens and sealed credentials survive restarts.
 */
export function resolveSecret(envSecret: string | undefined, dataDir: string): string {
  if (envSecret) return envSecret;
  const file = path.join(dataDir, 'secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  return generated;
}

export function deriveSecrets(secret: string): Secrets {
  return {
    jwtKey: deriveKey(secret, 'jwt'),
    credentials: new SecretBox(deriveKey(secret, 'credentials')),
    checkoutKey: deriveKey(secret, 'checkout'),
    mediaUrlKey: deriveKey(secret, 'media-url'),
  };
}
