import { createHash, randomBytes } from 'node:crypto';
import {
  accountsRepo,
  AppError,
  NotFound,
  PLATFORMS,
  PlatformError,
  type Actor,
  type Platform,
  type StartOAuthBody,
} from '@velvet/shared';
import type { Connectors, OAuthFlow } from '@velvet/platforms';
import type { HubContext } from '../context';
import type { CreatorsService } from '../creators/creators.service';
import { authorize } from '../http/authorize';
import type { AccountsService } from './accounts.service';

/** How long a started connection waits for the browser to come back. */
const STATE_TTL_S = 600;

/** What the server keeps of a started connection, under its `state`. */
interface PendingOAuth {
  platform: Platform;
  creatorId: string;
  label?: string;
  accountId?: string;
  actorId: string;
  verifier: string;
}

/** Where the browser lands after the platform: the panel's accounts page, with the outcome. */
export type OAuthOutcome =
  { connected: string } | { error: 'invalid_state' | 'denied' | 'exchange_failed' | 'conflict' };

/**
 * OAuth 2.0 + PKCE connections: the verifier and `state` stay in Redis (single use, ten
 * minutes); the browser only ever carries the state and the platform's code.
 */
export function createOAuthService(
  ctx: HubContext,
  deps: { connectors: Connectors; creators: CreatorsService; accounts: AccountsService },
) {
  const key = (state: string) => `${ctx.redisPrefix}:oauth:${state}`;
  const redirectUri = (platform: Platform) => `${ctx.env.PUBLIC_URL}/api/oauth/${platform}/callback`;

  function flowOf(platform: string): { platform: Platform; flow: OAuthFlow } {
    // A chat platform's connector or a publish-only platform's account side, alike.
    const account = deps.connectors.account(platform);
    if (!account?.oauth || !(PLATFORMS as readonly string[]).includes(platform)) {
      throw new NotFound('OAuth connection for this platform');
    }
    return { platform: account.platform, flow: account.oauth };
  }

  return {
    /** The platform's consent page for this creator; 503 naming what to set when the app is not configured. */
    async start(actor: Actor, platformName: string, body: StartOAuthBody): Promise<{ url: string }> {
      const { platform, flow } = flowOf(platformName);
      await deps.creators.load(actor, body.creatorId, 'creator:read');
      authorize(actor, 'account:create', { creatorId: body.creatorId });
      if (body.accountId) {
        const account = await accountsRepo.findById(ctx.db, body.accountId);
        if (!account || account.creatorId !== body.creatorId || account.platform !== platform) {
          throw new NotFound('Account');
        }
      }
      const missing = flow.missing();
      if (missing.length > 0) {
        throw new AppError(
          503,
          'not_configured',
          `Connecting ${platform} needs ${missing.join(' and ')} in the hub's environment (from the ${platform} developer app), then a restart`,
        );
      }
      const state = randomBytes(24).toString('base64url');
      const verifier = randomBytes(48).toString('base64url');
      const pending: PendingOAuth = {
        platform,
        creatorId: body.creatorId,
        actorId: actor.id,
        verifier,
        ...(body.label ? { label: body.label } : {}),
        ...(body.accountId ? { accountId: body.accountId } : {}),
      };
      await ctx.redis.set(key(state), JSON.stringify(pending), 'EX', STATE_TTL_S);
      const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
      return { url: flow.authorizeUrl({ state, codeChallenge, redirectUri: redirectUri(platform) }) };
    },

    /** The platform sent the browser back: the state is used up whatever happens next. */
    async finish(
      platformName: string,
      query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
    ): Promise<OAuthOutcome> {
      const { platform, flow } = flowOf(platformName);
      const raw = query.state ? await ctx.redis.getdel(key(query.state)) : null;
      const pending = raw ? (JSON.parse(raw) as PendingOAuth) : undefined;
      if (!pending || pending.platform !== platform) return { error: 'invalid_state' };
      if (query.error || !query.code) return { error: 'denied' };
      try {
        const connected = await flow.exchange({
          code: query.code,
          codeVerifier: pending.verifier,
          redirectUri: redirectUri(platform),
        });
        const account = await deps.accounts.saveOAuthConnection(pending.actorId, pending, connected);
        return { connected: account.id };
      } catch (error) {
        if (error instanceof AppError && error.status === 409) return { error: 'conflict' };
        ctx.logger.warn(
          { err: error instanceof PlatformError ? error.message : error, platform },
          'finishing an OAuth connection failed',
        );
        return { error: 'exchange_failed' };
      }
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
