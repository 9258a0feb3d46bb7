import { z } from 'zod';
import {
  PlatformError,
  type FetchedFile,
  type MediaItem,
  type OutboundMessage,
  type OutboundPaidMessage,
  type SendResult,
  type VelvetConfig,
  type WebhookParse,
} from '@velvet/shared';
import {
  CredentialsRejected,
  fieldLabel,
  type ConnectionCheck,
  type ConnectResult,
  type PlatformConnector,
  type SendLimits,
  type StoredCredentials,
  type WebhookRequest,
} from '../connector';
import { accountBudget } from '../delivery';
import type { OnlyFansProvider, ProviderCredentials, ProviderEvent } from './onlyfans.provider';
import { OF_PPV_MAX_USD, OF_PPV_MIN_USD, providerAccountId } from './onlyfans.schema';
import { createOnlyFansApiProvider } from './onlyfansapi.provider';

/** What an operator types: the provider's API key, its account id, the webhook signing secret. */
export const onlyfansCredentials = z.strictObject({
  apiKey: z
    .string()
    .trim()
    .min(16, 'must be the API key from the provider console')
    .max(500)
    .meta(fieldLabel('API key (provider console)', 'Clé d’API (console du fournisseur)')),
  accountId: providerAccountId.meta(fieldLabel('Account id (acct_…)', 'Identifiant du compte (acct_…)')),
  webhookSecret: z
    .string()
    .min(16, 'must be the signing secret set on the provider webhook (16+ characters)')
    .max(500)
    .meta(fieldLabel('Webhook signing secret', 'Secret de signature du webhook')),
});

const NO_MEDIA = 'An OnlyFans paid message needs media: this pack has none';

const storedCredentials = z.object({ apiKey: z.string(), accountId: z.string(), webhookSecret: z.string() });

export interface OnlyFansConnectorOptions {
  /** ONLYFANS_API_ROOT: the provider's API, or a stand-in. */
  apiRoot: string;
  /** Another provider's adapter; OnlyFansAPI.com's by default. */
  provider?: OnlyFansProvider;
  timeoutMs?: number;
}

/**
 * OnlyFans, through a third-party API provider: OnlyFans has no public API, and Velvet never
 * logs into OnlyFans itself. Replies are drafted for a human to approve, never sent by the AI.
 */
export function createOnlyFansConnector(options: OnlyFansConnectorOptions) {
  const provider =
    options.provider ??
    createOnlyFansApiProvider({
      apiRoot: options.apiRoot,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });

  function credentialsOf(stored: StoredCredentials): ProviderCredentials {
    const parsed = storedCredentials.safeParse(stored);
    if (!parsed.success) {
      throw new PlatformError(
        'The stored OnlyFans credentials are unusable',
        'permanent',
        undefined,
        'invalid_token',
      );
    }
    return parsed.data;
  }

  async function upload(credentials: ProviderCredentials, media: readonly MediaItem[]): Promise<string[]> {
    const ids: string[] = [];
    for (const item of media) {
      // The provider fetches files by URL; one kept by this hub has no public address.
      if (item.path) {
        throw new PlatformError(
          'The OnlyFans provider takes pack media by URL only: give this pack URLs instead of uploaded files',
          'permanent',
          undefined,
          'rejected',
        );
      }
      ids.push(await provider.uploadMedia(credentials, item.url));
    }
    return ids;
  }

  const connector = {
    platform: 'onlyfans' as const,
    label: 'OnlyFans',
    connectsWith: 'credentials' as const,
    credentialsSchema: onlyfansCredentials,
    capabilities: {
      // OnlyFans' terms forbid AI-written chats sent on their own: every draft waits for a human.
      aiAutoSend: false,
      // OnlyFans checks every creator's and fan's identity and age itself.
      verifiesAge: true,
      packSales: { kind: 'paid_message' as const },
      buttons: false,
      // What fans send arrives through the provider's webhook and its media download.
      media: { receive: ['photo', 'video', 'voice'] as const, send: ['photo', 'video'] as const },
      answersInWebhook: false,
    },

    /** The seed's budget per account (5 a minute evenly spaced, 500 a day), as configured. */
    limits(config: VelvetConfig['platforms']): SendLimits {
      return accountBudget(config.onlyfans);
    },

    async connect(input: Record<string, unknown>): Promise<ConnectResult> {
      const typed = onlyfansCredentials.safeParse(input);
      if (!typed.success) {
        const issue = typed.error.issues[0]!;
        throw new CredentialsRejected(String(issue.path[0] ?? 'apiKey'), issue.message);
      }
      await provider.checkAccount(typed.data);
      return {
        credentials: typed.data,
        settings: { provider: provider.name, providerAccountId: typed.data.accountId },
        label: `OnlyFans ${typed.data.accountId}`,
      };
    },

    /** The provider still accepts the key for this account. */
    async check(stored: StoredCredentials): Promise<ConnectionCheck> {
      const parsed = storedCredentials.safeParse(stored);
      if (!parsed.success) {
        return {
          ok: false,
          problem: 'The stored credentials are unusable: reconnect the account.',
          reconnect: true,
        };
      }
      try {
        await provider.checkAccount(parsed.data);
        return { ok: true };
      } catch (err) {
        if (err instanceof CredentialsRejected) {
          return {
            ok: false,
            problem: `${err.message}: reconnect with current credentials.`,
            reconnect: true,
          };
        }
        throw err;
      }
    },

    /** The provider's webhook lives in its console: nothing to remove through the API. */
    async disconnect(): Promise<void> {},

    verifyWebhook(request: WebhookRequest, stored: StoredCredentials): boolean {
      const parsed = storedCredentials.safeParse(stored);
      return parsed.success && provider.verifyWebhook(request, parsed.data);
    },

    parseWebhook(request: WebhookRequest): WebhookParse {
      return toWebhookParse(provider.parseWebhook(request.body), request.body);
    },

    /**
     * A file a fan sent, through the provider. Only OnlyFans CDN addresses are fetched: the
     * id came from a webhook, and a forged one must not make the provider fetch elsewhere.
     */
    async fetchFile(stored: StoredCredentials, fileId: string): Promise<FetchedFile> {
      if (!isOnlyFansCdn(fileId)) {
        throw new PlatformError('This file is not on the OnlyFans CDN', 'permanent', undefined, 'rejected');
      }
      return provider.downloadMedia(credentialsOf(stored), fileId);
    },

    async send(stored: StoredCredentials, message: OutboundMessage): Promise<SendResult> {
      if (message.attachment) {
        throw new PlatformError(
          'Files cannot be sent on OnlyFans from Velvet yet; use a pack',
          'permanent',
          undefined,
          'rejected',
        );
      }
      const sent = await provider.sendMessage(credentialsOf(stored), message.chatId, { text: message.text });
      return { platformMessageId: sent.messageId };
    },

    /** A free message with the pack's media (uploaded first: each upload id works once). */
    async sendMedia(
      stored: StoredCredentials,
      chatId: string,
      text: string,
      media: readonly MediaItem[],
    ): Promise<SendResult> {
      const credentials = credentialsOf(stored);
      const ids = await upload(credentials, media);
      const sent = await provider.sendMessage(credentials, chatId, { text, media: ids });
      return { platformMessageId: sent.messageId };
    },

    refusesOffer(offer: { priceCents: number; currency: string; mediaCount: number }): string | undefined {
      try {
        ppvPrice(offer.priceCents, offer.currency);
      } catch (err) {
        return (err as Error).message;
      }
      return offer.mediaCount === 0 ? NO_MEDIA : undefined;
    },

    /** A PPV: the pack's media locked behind the offer's price, in whole US dollars (3–200). */
    async sendPaidMessage(stored: StoredCredentials, paid: OutboundPaidMessage): Promise<SendResult> {
      const priceUsd = ppvPrice(paid.priceCents, paid.currency);
      if (paid.media.length === 0) {
        throw new PlatformError(NO_MEDIA, 'permanent', undefined, 'rejected');
      }
      const credentials = credentialsOf(stored);
      const ids = await upload(credentials, paid.media);
      const sent = await provider.sendMessage(credentials, paid.chatId, {
        text: paid.text,
        priceUsd,
        media: ids,
      });
      return { platformMessageId: sent.messageId };
    },
  };
  return connector satisfies PlatformConnector;
}

export type OnlyFansConnector = ReturnType<typeof createOnlyFansConnector>;

/** The price of a paid message: whole US dollars from 3 to 200, or a clear refusal. */
export function ppvPrice(priceCents: number, currency: string): number {
  const range = `OnlyFans paid messages cost ${OF_PPV_MIN_USD} to ${OF_PPV_MAX_USD} USD in whole dollars`;
  if (currency.toUpperCase() !== 'USD') {
    throw new PlatformError(
      `${range}; this pack is priced in ${currency}`,
      'permanent',
      undefined,
      'rejected',
    );
  }
  const dollars = priceCents / 100;
  if (!Number.isInteger(dollars) || dollars < OF_PPV_MIN_USD || dollars > OF_PPV_MAX_USD) {
    throw new PlatformError(`${range}; this pack costs ${dollars} USD`, 'permanent', undefined, 'rejected');
  }
  return dollars;
}

function toWebhookParse(event: ProviderEvent, body: unknown): WebhookParse {
  const raw = (body ?? {}) as Record<string, unknown>;
  switch (event.kind) {
    case 'message':
    case 'subscribed':
      return {
        kind: 'message',
        message: {
          platform: 'onlyfans',
          platformMessageId: event.id,
          chatId: event.chatId,
          fan: event.fan,
          kind: event.kind === 'message' ? 'text' : 'subscriber',
          text: event.kind === 'message' ? event.text : '',
          ...(event.kind === 'message' && event.attachments ? { attachments: event.attachments } : {}),
          sentAt: event.sentAt,
          raw,
        },
      };
    case 'unlocked':
      return {
        kind: 'payment',
        payment: {
          platformMessageId: `unlock:${event.messageId}:${event.fan.platformUserId}`,
          chatId: event.chatId,
          fan: event.fan,
          currency: 'USD',
          totalAmount: event.priceCents,
          payload: '',
          // One message is unlocked once per fan: that pair is the charge.
          chargeId: `ppv:${event.messageId}:${event.fan.platformUserId}`,
          paidMessageId: event.messageId,
        },
      };
    case 'needs_attention':
      return { kind: 'account_attention', attention: { reason: event.reason } };
    case 'ignored':
      return { kind: 'ignored', reason: event.reason };
    case 'invalid':
      return { kind: 'invalid', reason: event.reason };
  }
}

/** `https://cdn2.onlyfans.com/…` and the like: where OnlyFans serves the files of messages. */
export function isOnlyFansCdn(address: string): boolean {
  try {
    const url = new URL(address);
    return (
      url.protocol === 'https:' && (url.hostname === 'onlyfans.com' || url.hostname.endsWith('.onlyfans.com'))
    );
  } catch {
    return false;
  }
}
