import { Router, type Request, type Response } from 'express';
import { oauthCallbackQuery, startOAuthBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { OAuthOutcome, OAuthService } from './oauth.service';

/** Signed-in routes that start a connection (under /api, after authentication). */
export function oauthStartRoutes(oauth: OAuthService): Router {
  const router = Router();

  router.post('/accounts/:platform/oauth', async (req, res) => {
    const body = parseBody(startOAuthBody, req.body);
    res.json(await oauth.start(actorOf(req), String(req.params.platform), body));
  });

  // The contract's name for the same step (`{authorizeUrl}`).
  router.get('/creators/:id/accounts/oauth/:platform', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    const label = typeof req.query.label === 'string' ? req.query.label : undefined;
    const body = parseBody(startOAuthBody, { creatorId, ...(label ? { label } : {}) });
    const { url } = await oauth.start(actorOf(req), String(req.params.platform), body);
    res.json({ authorizeUrl: url, url });
  });

  return router;
}

/**
 * Where the platform sends the browser back (no Velvet session needed: the single-use
 * state is the proof). For a platform that connects by OAuth, always a redirect to the
 * panel's accounts page, never a JSON error.
 */
export function oauthCallbackRoutes(oauth: OAuthService): Router {
  const router = Router();
  const landing = (outcome: OAuthOutcome) =>
    'connected' in outcome
      ? `/accounts?connected=${encodeURIComponent(outcome.connected)}`
      : `/accounts?error=${outcome.error}`;

  const callback = async (req: Request, res: Response) => {
    const query = oauthCallbackQuery.safeParse(req.query);
    const outcome = query.success
      ? await oauth.finish(String(req.params.platform), query.data)
      : ({ error: 'invalid_state' } as const);
    res.set('cache-control', 'no-store').redirect(303, landing(outcome));
  };
  router.get('/api/oauth/:platform/callback', callback);
  // The contract's name for the same step.
  router.get('/oauth/:platform/callback', callback);
  return router;
}
