import { Router, type Request, type RequestHandler, type Response } from 'express';
import { abilities, loginBody } from '@velvet/shared';
import type { HubContext } from '../context';
import { parseBody } from '../http/validate';
import { actorOf } from './authenticate';
import { type AuthService, type ClientMeta, type Session, presentUser } from './auth.service';
import { clearSessionCookies, refreshTokenOf, requireCsrf, setSessionCookies } from './cookies';

const meta = (req: Request): ClientMeta => ({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') });

export function authRoutes(ctx: HubContext, auth: AuthService, authenticate: RequestHandler): Router {
  const router = Router();
  const secure = ctx.env.PUBLIC_URL.startsWith('https://');
  const csrf = requireCsrf(ctx.secrets.jwtKey);

  const respond = (res: Response, session: Session) => {
    setSessionCookies(res, ctx.secrets.jwtKey, session.refreshToken, session.refreshExpiresAt, secure);
    res.set('Cache-Control', 'no-store');
    res.json({ accessToken: session.accessToken, user: session.user, abilities: session.abilities });
  };

  router.post('/auth/login', async (req, res) => {
    const body = parseBody(loginBody, req.body);
    respond(res, await auth.login(body, meta(req)));
  });

  router.post('/auth/refresh', csrf, async (req, res) => {
    try {
      respond(res, await auth.refresh(refreshTokenOf(req), meta(req)));
    } catch (error) {
      clearSessionCookies(res, secure);
      throw error;
    }
  });

  router.post('/auth/logout', csrf, async (req, res) => {
    await auth.logout(refreshTokenOf(req), meta(req));
    clearSessionCookies(res, secure);
    res.status(204).end();
  });

  router.get('/me', authenticate, (req, res) => {
    const actor = actorOf(req);
    res.json({ user: presentUser(actor), abilities: abilities(actor) });
  });

  return router;
}
