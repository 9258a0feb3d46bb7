import { z } from 'zod';
import {
  PlatformError,
  type MediaItem,
  type OutboundMessage,
  type OutboundPaidMessage,
  type SendResult,
  type VelvetConfig,
  type WebhookParse,
} from '@velvet/shared';
import {
  CredentialsRejected,
  type ConnectionCheck,
  type ConnectResult,
  type PlatformConnector,
  type SendLimits,
  type StoredCredentials,
  type WebhookRequest,
} from '../connector';
import { createFanvueApi, type FanvueApi } from './fanvue.api';
import {
  FANVUE_PRICE_CENTS_PER_UNIT,
  FANVUE_SCOPES,
  FANVUE_SIGNATURE_HEADER,
  FANVUE_TEXT_MAX,
  fanvueStoredCredentials,
  fvMe,
  fvSendMessageResponse,
  type FanvueStoredCredentials,
  type FvSendMessageBody,
} from './fanvue.schema';
import { parseFanvueEvent } from './fanvue.events';
import { uploadFanvueMedia, type FanvueMediaOptions } from './fanvue.media';
import { verifyFanvueSignature } from './fanvue.signature';
import { accountBudget } from '../delivery';

/** Fanvue connects by OAuth: there is nothing to type, the form is empty. */
export const fanvueCredentials = z.strictObject({});

/** Refresh this long before the access token expires (tokens live about an hour). */
const REFRESH_MARGIN_MS = 5 * 60_000;
const NO_MEDIA = 'A Fanvue paid message needs media: this pack has none';

export interface FanvueConnectorOptions {
  apiRoot: string;
  authRoot: string;
  clientId?: string;
  clientSecret?: string;
  /** FANVUE_WEBHOOK_SECRET: one signing secret, or two (comma-separated) while rotating. */
  webhookSecret?: string;
  timeoutMs?: number;
  /** The upload session's part size and how long to wait for Fanvue's processing. */
  media?: FanvueMediaOptions;
  /** The limit on fetching a pack's media file and on each part's PUT to Fanvue's storage. */
  transferTimeoutMs?: number;
  /** The clock the signature window and token expiry are read with (tests move it). */
  now?: () => number;
}

/**
 * Fanvue, through its official API: OAuth 2.0 + PKCE accounts, rotating refresh tokens,
 * `X-Fanvue-Signature` webhooks, packs sold as paid messages.
 */
export function createFanvueConnector(options: FanvueConnectorOptions) {
  const now = options.now ?? Date.now;
  const api: FanvueApi = createFanvueApi({ ...options, now });
  const secrets = (options.webhookSecret ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  function credentialsOf(stored: StoredCredentials): FanvueStoredCredentials {
    const parsed = fanvueStoredCredentials.safeParse(stored);
    if (!parsed.success) {
      throw new PlatformError(
        'The stored Fanvue credentials are unusable: reconnect the account',
        'permanent',
        undefined,
        'invalid_token',
      );
    }
    return parsed.data;
  }

  async function sendMessage(
    credentials: FanvueStoredCredentials,
    chatId: string,
    body: FvSendMessageBody,
  ): Promise<SendResult> {
    const answer = await api.call(
      credentials.accessToken,
      credentials.userUuid,
      'the message',
      `/chats/${encodeURIComponent(chatId)}/message`,
      { method: 'POST', json: body, lostAnswer: 'unknown' },
    );
    const sent = fvSendMessageResponse.safeParse(answer);
    if (!sent.success) {
      // Fanvue took it (2xx) but said nothing usable: delivered, id unknown.
      throw new PlatformError(
        'Fanvue accepted the message without an id',
        'unknown',
        undefined,
        'outcome_unknown',
      );
    }
    return { platformMessageId: sent.data.messageUuid };
  }

  /** Uploads each item through a Fanvue upload session and waits until it is ready to attach. */
  async function upload(
    credentials: FanvueStoredCredentials,
    media: readonly MediaItem[],
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const item of media) ids.push(await uploadFanvueMedia(api, credentials, item, options.media));
    return ids;
  }

  const connector = {
    platform: 'fanvue' as const,
    label: 'Fanvue',
    connectsWith: 'oauth' as const,
    credentialsSchema: fanvueCredentials,
    capabilities: {
      // Fanvue's API lets an app reply in chat; the creator's send policy still decides.
      aiAutoSend: true,
      // PLATFORMS.md: Fanvue does not verify fans' age for chat: the 18+ gate applies.
      verifiesAge: false,
      packSales: { kind: 'paid_message' as const },
      buttons: false,
      media: { receive: [] as const, send: ['photo', 'video'] as const },
      answersInWebhook: false,
    },

    /** The seed's budget per account (10 a minute evenly spaced, 1,000 a day); Fanvue's own bucket is in the API client. */
    limits(config: VelvetConfig['platforms']): SendLimits {
      return accountBudget(config.fanvue);
    },

    async connect(): Promise<ConnectResult> {
      throw new CredentialsRejected(
        'oauth',
        'Fanvue accounts connect with "Connect Fanvue" (POST /api/accounts/fanvue/oauth), not a form',
      );
    },

    /** Revokes the refresh token at Fanvue; the webhook belongs to the Fanvue app, not the account. */
    async disconnect(stored: StoredCredentials): Promise<void> {
      const parsed = fanvueStoredCredentials.safeParse(stored);
      if (parsed.success) await api.revoke(parsed.data.refreshToken);
    },

    /** The access token still speaks for the connected creator (`/users/me`). */
    async check(stored: StoredCredentials): Promise<ConnectionCheck> {
      const credentials = credentialsOf(stored);
      try {
        const me = fvMe.safeParse(
          await api.call(credentials.accessToken, credentials.userUuid, 'the connection test', '/users/me', {
            method: 'GET',
            lostAnswer: 'retryable',
          }),
        );
        if (me.success && me.data.uuid !== credentials.userUuid) {
          return {
            ok: false,
            problem: 'This Fanvue login now speaks for another creator: reconnect the account.',
            reconnect: true,
          };
        }
        return { ok: true };
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'invalid_token') {
          return {
            ok: false,
            problem:
              'Fanvue refused the access token (revoked, or the app lost its access): reconnect the account.',
            reconnect: true,
          };
        }
        throw err;
      }
    },

    oauth: {
      missing: () =>
        [
          ['FANVUE_CLIENT_ID', options.clientId],
          ['FANVUE_CLIENT_SECRET', options.clientSecret],
        ]
          .filter(([, value]) => !value)
          .map(([name]) => name!),
      authorizeUrl: (input: { state: string; codeChallenge: string; redirectUri: string }) =>
        api.authorizeUrl({ ...input, scopes: FANVUE_SCOPES }),
      async exchange(input: {
        code: string;
        codeVerifier: string;
        redirectUri: string;
      }): Promise<ConnectResult> {
        const tokens = await api.token(
          {
            grant_type: 'authorization_code',
            code: input.code,
            code_verifier: input.codeVerifier,
            redirect_uri: input.redirectUri,
          },
          'the authorization code',
        );
        const me = fvMe.safeParse(
          await api.call(tokens.accessToken, 'connect', 'who the token is', '/users/me', {
            method: 'GET',
            lostAnswer: 'retryable',
          }),
        );
        if (!me.success) throw new PlatformError('Fanvue answered /users/me unexpectedly', 'retryable');
        const credentials: FanvueStoredCredentials = { ...tokens, userUuid: me.data.uuid };
        return {
          credentials,
          settings: { fanvueUserUuid: me.data.uuid, ...(me.data.handle ? { handle: me.data.handle } : {}) },
          label: me.data.handle ? `Fanvue @${me.data.handle}` : `Fanvue ${me.data.uuid.slice(0, 8)}`,
          identity: me.data.uuid,
        };
      },
    },

    tokens: {
      expiresSoon(stored: StoredCredentials, at: Date): boolean {
        const parsed = fanvueStoredCredentials.safeParse(stored);
        if (!parsed.success) return false;
        return Date.parse(parsed.data.expiresAt) - REFRESH_MARGIN_MS <= at.getTime();
      },
      /**
       * A lost answer is retried once at once with the same token: an OAuth server with a
       * rotation grace period (Ory's, which Fanvue's auth host looks like: unconfirmed) accepts
       * a just-rotated token again for a short while, so the lost pair is replaced instead of
       * the account being disconnected. Without one, the retry is refused like any reuse.
       */
      async refresh(stored: StoredCredentials): Promise<StoredCredentials> {
        const credentials = credentialsOf(stored);
        const form = { grant_type: 'refresh_token', refresh_token: credentials.refreshToken };
        const tokens = await api.token(form, 'the token refresh').catch((error: unknown) => {
          if (error instanceof PlatformError && error.code === 'outcome_unknown') {
            return api.token(form, 'the token refresh (again, after a lost answer)');
          }
          throw error;
        });
        return { ...credentials, ...tokens };
      },
    },

    verifyWebhook(request: WebhookRequest): boolean {
      const header = request.headers[FANVUE_SIGNATURE_HEADER];
      return verifyFanvueSignature(
        typeof header === 'string' ? header : undefined,
        request.rawBody,
        secrets,
        now(),
      );
    },

    parseWebhook(request: WebhookRequest): WebhookParse {
      return parseFanvueEvent(request.body);
    },

    async send(stored: StoredCredentials, message: OutboundMessage): Promise<SendResult> {
      if (message.attachment) {
        throw new PlatformError(
          'Files cannot be sent on Fanvue from Velvet yet; use a pack',
          'permanent',
          undefined,
          'rejected',
        );
      }
      return sendMessage(credentialsOf(stored), message.chatId, { text: clip(message.text) });
    },

    async sendMedia(stored: StoredCredentials, chatId: string, text: string, media: readonly MediaItem[]) {
      const credentials = credentialsOf(stored);
      const ids = await upload(credentials, media);
      return sendMessage(credentials, chatId, {
        text: clip(text),
        ...(ids.length ? { mediaUuids: ids } : {}),
      });
    },

    refusesOffer(offer: { priceCents: number; currency: string; mediaCount: number }): string | undefined {
      if (offer.priceCents % (100 / FANVUE_PRICE_CENTS_PER_UNIT) !== 0 || offer.priceCents <= 0) {
        return 'Fanvue paid messages need a positive price';
      }
      return offer.mediaCount === 0 ? NO_MEDIA : undefined;
    },

    /** Fanvue's own way to sell: the pack's media locked behind the offer's price. */
    async sendPaidMessage(stored: StoredCredentials, paid: OutboundPaidMessage): Promise<SendResult> {
      if (paid.media.length === 0) throw new PlatformError(NO_MEDIA, 'permanent', undefined, 'rejected');
      const credentials = credentialsOf(stored);
      const ids = await upload(credentials, paid.media);
      return sendMessage(credentials, paid.chatId, {
        text: clip(paid.text),
        mediaUuids: ids,
        price: Math.round((paid.priceCents * FANVUE_PRICE_CENTS_PER_UNIT) / 100),
      });
    },
  };
  return connector satisfies PlatformConnector;
}

export type FanvueConnector = ReturnType<typeof createFanvueConnector>;

function clip(text: string): string {
  return text.length > FANVUE_TEXT_MAX ? text.slice(0, FANVUE_TEXT_MAX) : text;
}
