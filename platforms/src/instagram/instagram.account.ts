import { z } from 'zod';
import { PlatformError } from '@velvet/shared';
import {
  CredentialsRejected,
  fieldLabel,
  type ConnectionCheck,
  type ConnectResult,
  type StoredCredentials,
  type TokenRefresher,
} from '../connector';
import type { PublishAccountConnector } from '../publisher';
import { GraphError, PERMISSION_CODES, TOKEN_CODES, type Graph } from './instagram.graph';

/**
 * What the operator pastes from Meta's app dashboard: the Instagram professional account's id
 * and a long-lived user access token (Business Login for Instagram on graph.instagram.com, or
 * Facebook Login for Business on graph.facebook.com) with the content-publish permission.
 */
export const instagramCredentials = z.strictObject({
  // Not a secret: the form shows it as typed.
  igUserId: z
    .string()
    .trim()
    .regex(/^\d{5,30}$/, 'must be the numeric id of the Instagram professional account')
    .meta(
      fieldLabel(
        'Professional account id (Meta app dashboard). Instagram fetches the media from this hub: PUBLIC_URL must be its public https:// address',
        'Identifiant du compte professionnel (tableau de bord de l’app Meta). Instagram récupère les médias sur ce hub : PUBLIC_URL doit être son adresse publique https://',
        { secret: false },
      ),
    ),
  igAccessToken: z
    .string()
    .trim()
    .min(20, 'must be a long-lived access token')
    .max(2000)
    .meta(
      fieldLabel(
        'Long-lived access token with the content publishing permission',
        'Jeton d’accès longue durée avec la permission de publication',
      ),
    ),
});

const stored = z.object({
  igUserId: z.string(),
  igAccessToken: z.string().min(1),
  username: z.string(),
  /** Known once Velvet refreshed the token itself (Meta does not say it at connect). */
  tokenExpiresAt: z.string().nullable().optional(),
});
export type InstagramCredentials = z.output<typeof stored>;

/** Long-lived tokens last 60 days; Velvet refreshes them a week before. */
const REFRESH_MARGIN_MS = 7 * 24 * 3600_000;

export function readInstagram(credentials: StoredCredentials): InstagramCredentials {
  const parsed = stored.safeParse(credentials);
  if (!parsed.success)
    throw new PlatformError(
      'The Instagram credentials are missing: reconnect the account',
      'permanent',
      undefined,
      'reconnect_required',
    );
  return parsed.data;
}

export function createInstagramAccounts(graph: Graph): PublishAccountConnector {
  return {
    connectsWith: 'credentials',
    credentialsSchema: instagramCredentials,

    async connect(input: Record<string, unknown>): Promise<ConnectResult> {
      const { igUserId, igAccessToken } = instagramCredentials.parse(input);
      let user: { id?: string; username?: string };
      try {
        user = await graph.get(igUserId, igAccessToken, { fields: 'id,username' });
        // Proves the token may publish: the quota edge needs the content-publish permission.
        await graph.get(`${igUserId}/content_publishing_limit`, igAccessToken, {
          fields: 'quota_usage,config',
        });
      } catch (error) {
        if (!(error instanceof GraphError) || error.transient) throw error;
        if (TOKEN_CODES.has(error.code))
          throw new CredentialsRejected(
            'igAccessToken',
            'Instagram refused this access token (expired, revoked, or not a long-lived token)',
          );
        if (PERMISSION_CODES.has(error.code))
          throw new CredentialsRejected(
            'igAccessToken',
            'This token may not publish: grant instagram_business_content_publish (or instagram_content_publish) to the app',
          );
        throw new CredentialsRejected(
          'igUserId',
          `Instagram knows no professional account with this id for this token (${error.message})`,
        );
      }
      const username = user.username ?? igUserId;
      const credentials: InstagramCredentials = { igUserId, igAccessToken, username, tokenExpiresAt: null };
      return { credentials, settings: { username }, label: `@${username}`, identity: igUserId };
    },

    /** The token still opens the account and may still publish (the quota edge). */
    async check(credentials): Promise<ConnectionCheck> {
      const { igUserId, igAccessToken } = readInstagram(credentials);
      try {
        await graph.get(`${igUserId}/content_publishing_limit`, igAccessToken, {
          fields: 'quota_usage,config',
        });
        return { ok: true };
      } catch (error) {
        if (!(error instanceof GraphError) || error.transient) throw error;
        const reason = TOKEN_CODES.has(error.code)
          ? 'Instagram refused the access token (expired or revoked)'
          : PERMISSION_CODES.has(error.code)
            ? 'The token may no longer publish (the content-publish permission was removed)'
            : `Instagram refused the account (${error.message})`;
        return { ok: false, problem: `${reason}: reconnect the account with a new token.`, reconnect: true };
      }
    },

    tokens: {
      expiresSoon(credentials, now) {
        const at =
          typeof credentials.tokenExpiresAt === 'string' ? Date.parse(credentials.tokenExpiresAt) : NaN;
        return Number.isFinite(at) && at - now.getTime() < REFRESH_MARGIN_MS;
      },
      /** Also asked when Instagram refused the token: a refused refresh puts the account in "needs attention". */
      async refresh(credentials) {
        const current = readInstagram(credentials);
        let next: { access_token: string; expires_in?: number };
        try {
          next = await graph.refreshToken(current.igAccessToken);
        } catch (error) {
          if (error instanceof GraphError && !error.transient && error.status < 500)
            throw new PlatformError(
              `Instagram refused the access token (${error.message})`,
              'permanent',
              undefined,
              'refresh_refused',
            );
          const message = error instanceof Error ? error.message : String(error);
          throw new PlatformError(`Instagram could not refresh the token: ${message}`, 'retryable', 30_000);
        }
        // Never store an empty token over a working one.
        if (!next.access_token)
          throw new PlatformError('Instagram answered without a token', 'retryable', 30_000);
        return {
          ...current,
          igAccessToken: next.access_token,
          tokenExpiresAt: next.expires_in
            ? new Date(Date.now() + next.expires_in * 1000).toISOString()
            : null,
        };
      },
    } satisfies TokenRefresher,
  };
}
