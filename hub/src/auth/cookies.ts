import { createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '@velvet/shared';
import { safeEqual } from './tokens';

export const REFRESH_COOKIE = 'velvet_refresh';
export const CSRF_COOKIE = 'velvet_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const REFRESH_PATH = '/api/auth';

/**
 * The CSRF token of a sign-in: derived from its refresh token, so a token planted from
 * another session (a sibling subdomain setting cookies) never matches this one's.
 */
export function csrfTokenFor(key: Buffer, refreshToken: string): string {
  return createHmac('sha256', key).update(`csrf:${refreshToken}`).digest('base64url');
}

export function setSessionCookies(
  res: Response,
  key: Buffer,
  refreshToken: string,
  expires: Date,
  secure: boolean,
): void {
  res.cookie(REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: REFRESH_PATH,
    expires,
  });
  // Double-submit token: readable by our own pages only, echoed back in a header.
  res.cookie(CSRF_COOKIE, csrfTokenFor(key, refreshToken), {
    httpOnly: false,
    sameSite: 'strict',
    secure,
    path: '/',
    expires,
  });
}

export function clearSessionCookies(res: Response, secure: boolean): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_PATH });
  res.clearCookie(CSRF_COOKIE, { sameSite: 'strict', secure, path: '/' });
}

export function refreshTokenOf(req: Request): string | undefined {
  const value: unknown = req.cookies?.[REFRESH_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Cookie-authenticated routes need the session's CSRF token in a header another site cannot
 * set, bound to the refresh cookie it came with. Without a session cookie there is nothing
 * to forge, and the route answers for itself.
 */
export function requireCsrf(key: Buffer): RequestHandler {
  return (req, _res, next) => {
    const refreshToken = refreshTokenOf(req);
    if (!refreshToken) return next();
    const header = req.get(CSRF_HEADER);
    if (!header || !safeEqual(header, csrfTokenFor(key, refreshToken))) {
      return next(new AppError(403, 'csrf_failed', `Missing or wrong ${CSRF_HEADER} header`));
    }
    next();
  };
}
