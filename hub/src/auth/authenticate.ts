import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Unauthorized, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import type { SessionGate } from './session-gate';
import { JWT_OPTIONS, subjectOf } from './tokens';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends Actor {
      email: string;
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
        gate.actor(subject).then((actor) => done(null, actor ?? false), done);
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

export function actorOf(req: Request): Express.User {
  if (!req.user) throw new Unauthorized();
  return req.user;
}
