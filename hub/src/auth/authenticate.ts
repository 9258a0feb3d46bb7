import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Forbidden, Unauthorized, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import type { SessionGate } from './session-gate';
import { JWT_OPTIONS, subjectOf } from './tokens';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends Actor {
      email: string;
      mustChangePassword: boolean;
      /** The sign-in (refresh token family) the access token names. */
      sessionId: string;
    }
  }
}

/**
 * Bearer access tokens checked by passport-jwt, then by the session gate: a signed-out
 * session, a disabled account or a changed role takes effect before the token expires.
 */
export function createAuthenticate(ctx: HubContext, gate: SessionGate): RequestHandler {
  const authenticator = new passport.Passport();
  authenticator.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: ctx.secrets.jwtKey,
        algorithms: [JWT_OPTIONS.algorithm],
        issuer: JWT_OPTIONS.issuer,
        audience: JWT_OPTIONS.audience,
      },
      (payload: unknown, done: (error: unknown, user?: Express.User | false) => void) => {
        // A token signed with our key but naming no user or session (forged, or an old format).
        const subject = subjectOf(payload);
        if (!subject) return done(null, false);
        gate
          .actor(subject)
          .then((actor) => done(null, actor ? { ...actor, sessionId: subject.sessionId } : false), done);
      },
    ),
  );
  return (req, res, next) => {
    authenticator.authenticate('jwt', { session: false }, (error: unknown, user: Express.User | false) => {
      if (error) return next(error);
      if (!user) return next(new Unauthorized());
      req.user = user;
      next();
    })(req, res, next);
  };
}

/**
 * Signed in with a temporary password (an admin's reset): nothing but changing it, so the
 * password an admin saw is never a working one for long.
 */
export const requirePasswordChanged: RequestHandler = (req, _res, next) => {
  if (req.user?.mustChangePassword && !(req.method === 'POST' && req.path === '/me/password')) {
    return next(new Forbidden('Change your temporary password first', 'password_change_required'));
  }
  next();
};

export function actorOf(req: Request): Express.User {
  if (!req.user) throw new Unauthorized();
  return req.user;
}
