import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimited, Unauthorized } from '@velvet/shared';
import type { HubContext } from '../context';
import { requirePasswordChanged } from '../auth/authenticate';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * `METRICS_TOKEN`'s values as SHA-256 digests: given as the token (hashed here, the token
 * itself is not kept) or as `sha256:<hex>`, so the hub's env file need not hold the token.
 */
export function scrapeTokenDigests(setting: string | undefined): Buffer[] {
  if (!setting) return [];
  return setting
    .split(',')
    .map((part) => part.trim())
    .map((part) => (part.startsWith('sha256:') ? Buffer.from(part.slice(7), 'hex') : sha256(part)));
}

/** Compares against every digest, in constant time for a given count, without stopping early. */
function matches(digests: Buffer[], candidate: string): boolean {
  const digest = sha256(candidate);
  let found = false;
  for (const known of digests) found = timingSafeEqual(known, digest) || found;
  return found;
}

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * `GET /metrics`'s door: Prometheus with the scrape token (`res.locals.scrape`), or a
 * signed-in user as on the API. Failed attempts are counted per client address and, past the
 * sign-in limit, refused with 429 for a while: the token cannot be guessed by trying.
 */
export function metricsAuth(ctx: HubContext, authenticate: RequestHandler): RequestHandler {
  const digests = scrapeTokenDigests(ctx.env.METRICS_TOKEN);
  const limits = ctx.config.auth.login;
  const failures = new RateLimiterRedis({
    storeClient: ctx.redis,
    keyPrefix: `${ctx.redisPrefix}:metrics:ip`,
    points: limits.attempts_per_ip,
    duration: Math.max(1, Math.ceil(limits.ip_window / 1000)),
  });
  const ipOf = (req: Parameters<RequestHandler>[0]) => req.ip ?? 'unknown';

  return (req, res, next) => {
    void (async () => {
      const ip = ipOf(req);
      const seen = await failures.get(ip);
      if (seen && seen.consumedPoints >= limits.attempts_per_ip) {
        throw new RateLimited(
          'Too many failed attempts from this network. Try again later.',
          Math.max(1, Math.ceil(seen.msBeforeNext / 1000)),
        );
      }
      const bearer = bearerOf(req.headers.authorization);
      if (bearer && digests.length > 0 && matches(digests, bearer)) {
        res.locals.scrape = true;
        return next();
      }
      authenticate(req, res, (error?: unknown) => {
        if (error instanceof Unauthorized) {
          failures.penalty(ip).then(
            () => next(error),
            (cause: unknown) => next(cause),
          );
          return;
        }
        if (error) return next(error);
        requirePasswordChanged(req, res, next);
      });
    })().catch(next);
  };
}
