import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isUuid } from '../http/validate';

export const JWT_OPTIONS = { algorithm: 'HS256', issuer: 'velvet', audience: 'velvet' } as const;

/** Who an access token speaks for: the user, and the sign-in (refresh token family) it belongs to. */
export interface TokenSubject {
  userId: string;
  sessionId: string;
}

export function signAccessToken(
  key: Buffer,
  subject: TokenSubject & { role: string },
  ttlMs: number,
): string {
  return jwt.sign({ role: subject.role, sid: subject.sessionId }, key, {
    ...JWT_OPTIONS,
    subject: subject.userId,
    expiresIn: Math.max(1, Math.floor(ttlMs / 1000)),
  });
}

/**
 * The subject of a validly signed, unexpired access token naming a user and a session;
 * undefined otherwise. Whether that session is still live is the session gate's question.
 */
export function subjectOf(payload: unknown): TokenSubject | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { sub, sid } = payload as { sub?: unknown; sid?: unknown };
  return isUuid(sub) && isUuid(sid) ? { userId: sub, sessionId: sid } : undefined;
}

export function verifyAccessToken(key: Buffer, token: string): TokenSubject | undefined {
  try {
    return subjectOf(
      jwt.verify(token, key, {
        algorithms: [JWT_OPTIONS.algorithm],
        issuer: JWT_OPTIONS.issuer,
        audience: JWT_OPTIONS.audience,
      }),
    );
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
