import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Unauthorized, usersRepo, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';

import { isUuid } from '../http/validate';
import { JWT_OPTIONS } from './tokens';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends Actor {
      email: string;
    }
  }
}

/**
 * Bearer access tokens checked by passport-jwt. The user is re-read on each request so
 * a disabled account or a changed role takes effect before the token expires.
 */
export function createAuthenticate(ctx: HubContext): RequestHandler {
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
      (payload: { sub?: string }, done: (error: unknown, user?: Express.User | false) => void) => {
        // A token signed with our key but naming no user id (forged or from an old format).
        if (!isUuid(payload.sub)) return done(null, false);
        usersRepo
          .findById(ctx.db, payload.sub)
          .then(
            (user) =>
              done(
                null,
                user && !user.disabledAt
                  ? { id: user.id, email: user.email, role: user.role, creatorIds: user.creatorIds }
                  : false,
              ),
            done,
          );
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
