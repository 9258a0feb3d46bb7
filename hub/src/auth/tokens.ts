import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const JWT_OPTIONS = { algorithm: 'HS256', issuer: 'velvet', audience: 'velvet' } as const;

export function signAccessToken(key: Buffer, userId: string, role: string, ttlMs: number): string {
  return jwt.sign({ role }, key, {
    ...JWT_OPTIONS,
    subject: userId,
    expiresIn: Math.max(1, Math.floor(ttlMs / 1000)),
  });
}

/** The user id of a valid, unexpired access token; undefined otherwise. */
export function verifyAccessToken(key: Buffer, token: string): string | undefined {
  try {
    const payload = jwt.verify(token, key, {
      algorithms: [JWT_OPTIONS.algorithm],
      issuer: JWT_OPTIONS.issuer,
      audience: JWT_OPTIONS.audience,
    });
    return typeof payload === 'object' && typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
