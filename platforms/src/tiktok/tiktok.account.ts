import { z } from 'zod';
import { PlatformError } from '@velvet/shared';
import {
  CredentialsRejected,
  type ConnectionCheck,
  type ConnectResult,
  type OAuthFlow,
  type StoredCredentials,
  type TokenRefresher,
} from '../connector';
import type { PublishAccountConnector } from '../publisher';
import type { TikTokAnswer, TikTokApi } from './tiktok.api';

/** TikTok connects by OAuth: there is nothing to type, the form is empty. */
export const tiktokCredentials = z.strictObject({});

/** What is kept sealed: the rotating token pair and whom it speaks for. */
export const tiktokStoredCredentials = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.string(),
  refreshExpiresAt: z.string().optional(),
  openId: z.string().min(1),
  username: z.string().min(1),
});
export type TikTokStoredCredentials = z.output<typeof tiktokStoredCredentials>;

/** Refresh this long before the access token expires (TikTok's live 24 hours). */
const REFRESH_MARGIN_MS = 30 * 60_000;

export const PRIVACY_LEVELS = [
  'PUBLIC_TO_EVERYONE',
  'MUTUAL_FOLLOW_FRIENDS',
  'FOLLOWER_OF_CREATOR',
  'SELF_ONLY',
] as const;

/** `POST /v2/post/publish/creator_info/query/`: what this creator may post, right now. */
export const creatorInfo = z.object({
  creator_username: z.string().min(1),
  creator_nickname: z.string().optional(),
  privacy_level_options: z.array(z.string()),
  comment_disabled: z.boolean().optional(),
  duet_disabled: z.boolean().optional(),
  stitch_disabled: z.boolean().optional(),
  max_video_post_duration_sec: z.number().optional(),
});
export type CreatorInfo = z.output<typeof creatorInfo>;

export function readTikTokCredentials(stored: StoredCredentials): TikTokStoredCredentials {
  const parsed = tiktokStoredCredentials.safeParse(stored);
  if (!parsed.success)
    throw new PlatformError(
      'The TikTok connection is missing: reconnect the account',
      'permanent',
      undefined,
      'reconnect_required',
    );
  return parsed.data;
}

/** TikTok's words for a refused token or a scope the creator did not grant. */
export const TOKEN_CODES = new Set(['access_token_invalid']);
export const SCOPE_CODES = new Set(['scope_not_authorized', 'scope_permission_missed']);

/** The creator's posting options, or the refusal as TikTok answered it. */
export async function queryCreator(
  api: TikTokApi,
  accessToken: string,
  what: string,
): Promise<{ info: CreatorInfo } | { refused: TikTokAnswer }> {
  const answer = await api.call(accessToken, '/v2/post/publish/creator_info/query/', what);
  const info = answer.code === 'ok' ? creatorInfo.safeParse(answer.data) : undefined;
  return info?.success ? { info: info.data } : { refused: answer };
}

const LEVEL_WORDS: Record<string, { en: string; fr: string }> = {
  PUBLIC_TO_EVERYONE: { en: 'everyone', fr: 'tout le monde' },
  MUTUAL_FOLLOW_FRIENDS: { en: 'friends', fr: 'les ami·es' },
  FOLLOWER_OF_CREATOR: { en: 'followers', fr: 'les abonné·es' },
  SELF_ONLY: { en: 'only the creator', fr: 'la créatrice seule' },
};

/** How the privacy a post goes out with is said to people, from the creator's options. */
export function privacyWords(options: readonly string[], audited: boolean): string {
  if (!audited) return 'private (SELF_ONLY: only the creator sees the posts) until TikTok audits the app';
  return `the most public of ${options.join(', ')}`;
}

/** What the account's TikTok settings let its posts be, in both languages (from creator_info). */
export function privacyNotice(options: readonly string[]): { en: string; fr: string } {
  const words = (lang: 'en' | 'fr') => options.map((o) => LEVEL_WORDS[o]?.[lang] ?? o).join(', ');
  return {
    en: `TikTok lets this account post to: ${words('en')}.`,
    fr: `TikTok permet à ce compte de publier pour : ${words('fr')}.`,
  };
}

/** The platform's notice: whether posts go out private (unaudited app) or as public as allowed. */
export function auditNotice(audited: boolean): { en: string; fr: string } {
  return audited
    ? {
        en: 'Posts go out with the most public privacy level the creator’s TikTok account allows, read from TikTok before each post.',
        fr: 'Les publications partent avec la confidentialité la plus publique que le compte TikTok permet, lue chez TikTok avant chaque publication.',
      }
    : {
        en: 'TikTok has not audited this hub’s app yet: every post goes out private (SELF_ONLY, only the creator sees it) until the audit passes.',
        fr: 'TikTok n’a pas encore audité l’app de ce hub : chaque publication part en privé (SELF_ONLY, visible par la créatrice seule) jusqu’à l’audit.',
      };
}

/**
 * How TikTok accounts connect: Login Kit (OAuth 2.0 v2) through the hub's generic OAuth
 * routes, then rotating refresh tokens kept by the credentials keeper (one refresh at a time,
 * the new pair written in one step, never an empty refresh token over a stored one).
 */
export function createTikTokAccount(
  api: TikTokApi,
  options: { clientKey?: string | undefined; clientSecret?: string | undefined; audited: boolean },
): PublishAccountConnector {
  const oauth: OAuthFlow = {
    missing: () => [
      ...(options.clientKey ? [] : ['TIKTOK_CLIENT_KEY']),
      ...(options.clientSecret ? [] : ['TIKTOK_CLIENT_SECRET']),
    ],
    authorizeUrl: (input) => api.authorizeUrl(input),
    async exchange(input): Promise<ConnectResult> {
      const tokens = await api.token(
        { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri },
        'the authorization code',
      );
      if (!tokens.scope.split(',').includes('video.publish'))
        throw new PlatformError(
          'The TikTok account did not allow posting (video.publish): connect again and allow it',
          'permanent',
          undefined,
          'refresh_refused',
        );
      const creator = await queryCreator(api, tokens.accessToken, 'who the token is');
      if ('refused' in creator)
        throw new PlatformError(
          `TikTok answered ${creator.refused.code} to the creator info`,
          'retryable',
          undefined,
          'upstream',
        );
      const { info } = creator;
      const credentials: TikTokStoredCredentials = {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
        refreshExpiresAt: tokens.refreshExpiresAt,
        openId: tokens.openId,
        username: info.creator_username,
      };
      return {
        credentials,
        settings: {
          username: info.creator_username,
          ...(info.creator_nickname ? { nickname: info.creator_nickname } : {}),
          privacyLevelOptions: info.privacy_level_options,
          postsGoOut: privacyWords(info.privacy_level_options, options.audited),
          notice: privacyNotice(info.privacy_level_options),
          maxVideoSeconds: info.max_video_post_duration_sec ?? null,
        },
        label: `@${info.creator_username}`,
        identity: tokens.openId,
      };
    },
  };

  const tokens: TokenRefresher = {
    expiresSoon(stored, at) {
      const parsed = tiktokStoredCredentials.safeParse(stored);
      if (!parsed.success) return false;
      return Date.parse(parsed.data.expiresAt) - REFRESH_MARGIN_MS <= at.getTime();
    },
    /**
     * The refresh token may come back rotated: the newest is kept, in the same write as the
     * access token. A lost answer is tried once more with the same token.
     */
    async refresh(stored) {
      const credentials = readTikTokCredentials(stored);
      const form = { grant_type: 'refresh_token', refresh_token: credentials.refreshToken };
      const next = await api.token(form, 'the token refresh').catch((error: unknown) => {
        if (error instanceof PlatformError && error.code === 'outcome_unknown')
          return api.token(form, 'the token refresh (again, after a lost answer)');
        throw error;
      });
      return {
        ...credentials,
        accessToken: next.accessToken,
        // Never an empty one over a stored one (`token` refuses an answer without it).
        refreshToken: next.refreshToken || credentials.refreshToken,
        expiresAt: next.expiresAt,
        refreshExpiresAt: next.refreshExpiresAt,
      };
    },
  };

  return {
    connectsWith: 'oauth',
    credentialsSchema: tiktokCredentials,
    async connect(): Promise<ConnectResult> {
      throw new CredentialsRejected(
        'oauth',
        'TikTok accounts connect with "Connect TikTok" (the OAuth button), not a form',
      );
    },
    async disconnect(stored) {
      const parsed = tiktokStoredCredentials.safeParse(stored);
      if (parsed.success) await api.revoke(parsed.data.accessToken);
    },
    /** The access token still speaks for the connected creator, who may still post (creator info). */
    async check(stored): Promise<ConnectionCheck> {
      const credentials = readTikTokCredentials(stored);
      const creator = await queryCreator(api, credentials.accessToken, 'the connection test');
      // The token is bound to the creator's open_id: a renamed account is still the same one.
      if ('info' in creator) return { ok: true };
      const { code, message } = creator.refused;
      if (TOKEN_CODES.has(code) || SCOPE_CODES.has(code))
        return {
          ok: false,
          problem: `TikTok refused the access token (${code}): the app's access was revoked or narrowed; reconnect the account.`,
          reconnect: true,
        };
      if (code === 'spam_risk_user_banned_from_posting')
        return {
          ok: false,
          problem: `TikTok bars this account from posting (${message || code}): see the TikTok app.`,
          reconnect: false,
        };
      throw new PlatformError(`TikTok answered ${code} to the connection test`, 'retryable');
    },
    tokens,
    oauth,
  };
}
