import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '@velvet/shared';
import { randomToken, safeEqual } from './tokens';

export const REFRESH_COOKIE = 'velvet_refresh';
export const CSRF_COOKIE = 'velvet_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const REFRESH_PATH = '/api/auth';

export function setSessionCookies(res: Response, refreshToken: string, expires: Date, secure: boolean): void {
  res.cookie(REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: REFRESH_PATH,
    expires,
  });
  // Double-submit token: readable by our own pages only, echoed back in a header.
  res.cookie(CSRF_COOKIE, randomToken(24), {
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
 * Cookie-authenticated routes need the CSRF cookie echoed in a header another site cannot
 * set. Without a session cookie there is nothing to forge, and the route answers for itself.
 */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  if (!refreshTokenOf(req)) return next();
  const cookie: unknown = req.cookies?.[CSRF_COOKIE];
  const header = req.get(CSRF_HEADER);
  if (typeof cookie !== 'string' || !header || !safeEqual(cookie, header)) {
    return next(new AppError(403, 'csrf_failed', `Missing or wrong ${CSRF_HEADER} header`));
  }
  next();
};
