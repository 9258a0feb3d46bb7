import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { formatIssues, PlatformError, type AttachmentKind, type InboundAttachment } from '@velvet/shared';
import { CredentialsRejected, type WebhookRequest } from '../connector';
import type {
  OnlyFansProvider,
  ProviderCredentials,
  ProviderEvent,
  ProviderFan,
  ProviderMessage,
  ProviderPost,
} from './onlyfans.provider';
import {
  ofAccountState,
  ofChatsResponse,
  ofErrorBody,
  ofMedia,
  ofMediaUploadResponse,
  ofMessage,
  ofPost,
  ofPostListResponse,
  ofPostResponse,
  ofPpvUnlocked,
  ofSendMessageResponse,
  ofSubscription,
  ofWebhookEnvelope,
  type OfCreatePostBody,
  type OfPost,
  type OfSendMessageBody,
} from './onlyfans.schema';
import { fetchedFile, neverConnected } from '../delivery';
import { describeFetchError } from '../fetch-errors';

/** Header OnlyFansAPI.com puts the hex HMAC-SHA256 of the body in. */
export const ONLYFANSAPI_SIGNATURE_HEADER = 'signature';
const DEFAULT_TIMEOUT_MS = 15_000;

export interface OnlyFansApiOptions {
  /** `https://app.onlyfansapi.com/api`, or a stand-in (ONLYFANS_API_ROOT). */
  apiRoot: string;
  timeoutMs?: number;
}

/** The reference provider: OnlyFansAPI.com's REST API and `Signature`-signed webhooks. */
export function createOnlyFansApiProvider(options: OnlyFansApiOptions): OnlyFansProvider {
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  /**
   * One call. `written` says what a lost answer means: a send may have been delivered
   * (`unknown`), a read or an upload changed nothing a retry could double (`retryable`).
   */
  async function call(
    credentials: ProviderCredentials,
    what: string,
    path: string,
    init: {
      method: 'GET' | 'POST';
      json?: unknown;
      form?: FormData;
      lostAnswer: 'unknown' | 'retryable';
    },
  ): Promise<unknown> {
    const url = `${apiRoot}/${encodeURIComponent(credentials.accountId)}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${credentials.apiKey}`,
          accept: 'application/json',
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        ...(init.form ? { body: init.form } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const reason = redact(describeFetchError(err), credentials.apiKey);
      if (neverConnected(err)) {
        throw new PlatformError(
          `Could not reach the OnlyFans provider (${what}): ${reason}`,
          'retryable',
          undefined,
          'network',
        );
      }
      throw new PlatformError(
        `The OnlyFans provider did not answer ${what} (${reason})${init.lostAnswer === 'unknown' ? ': it may have been delivered' : ''}`,
        init.lostAnswer,
        undefined,
        init.lostAnswer === 'unknown' ? 'outcome_unknown' : 'network',
      );
    }
    let body: unknown;
    try {
      const text = await response.text();
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) return body;
    const said = ofErrorBody.safeParse(body).data;
    const detail = redact((said?.error ?? said?.message ?? '').slice(0, 300), credentials.apiKey);
    const message = `The OnlyFans provider answered ${response.status} to ${what}${detail ? `: ${detail}` : ''}`;
    if (response.status === 429) {
      const seconds = retryAfterSeconds(response.headers.get('retry-after'));
      throw new PlatformError(
        `The OnlyFans provider rate limited ${what}; retry after ${seconds}s`,
        'retryable',
        seconds * 1000,
        'rate_limited',
      );
    }
    if (response.status === 401) throw new PlatformError(message, 'permanent', undefined, 'invalid_token');
    if (response.status >= 500) throw new PlatformError(message, 'retryable', undefined, 'upstream');
    throw new PlatformError(
      message,
      'permanent',
      undefined,
      response.status === 404 ? 'chat_not_found' : 'rejected',
    );
  }

  return {
    name: 'onlyfansapi',

    async checkAccount(credentials) {
      try {
        const body = await call(credentials, 'the chats list', '/chats?limit=1', {
          method: 'GET',
          lostAnswer: 'retryable',
        });
        if (!ofChatsResponse.safeParse(body).success) {
          throw new PlatformError('The OnlyFans provider answered an unexpected chats list', 'retryable');
        }
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'invalid_token') {
          throw new CredentialsRejected('apiKey', 'The provider refused this API key');
        }
        if (err instanceof PlatformError && err.code === 'chat_not_found') {
          throw new CredentialsRejected('accountId', 'The provider knows no such account for this API key');
        }
        throw err;
      }
    },

    async sendMessage(credentials, chatId, message: ProviderMessage) {
      const body: OfSendMessageBody = {
        text: message.text,
        ...(message.priceUsd ? { price: message.priceUsd } : {}),
        ...(message.media?.length ? { mediaFiles: [...message.media] } : {}),
      };
      const answer = await call(credentials, 'the message', `/chats/${encodeURIComponent(chatId)}/messages`, {
        method: 'POST',
        json: body,
        lostAnswer: 'unknown',
      });
      const sent = ofSendMessageResponse.safeParse(answer);
      if (!sent.success) {
        // The provider took it (2xx) but said nothing usable: delivered, id unknown.
        throw new PlatformError(
          'The OnlyFans provider accepted the message without an id',
          'unknown',
          undefined,
          'outcome_unknown',
        );
      }
      return { messageId: sent.data.data.id };
    },

    async uploadMedia(credentials, url) {
      const answer = await call(credentials, 'the media upload', '/media/upload', {
        method: 'POST',
        json: { file_url: url },
        lostAnswer: 'retryable',
      });
      const uploaded = ofMediaUploadResponse.safeParse(answer);
      if (!uploaded.success) {
        throw new PlatformError('The OnlyFans provider answered an upload without an id', 'retryable');
      }
      return uploaded.data.prefixed_id;
    },

    async uploadFile(credentials, file) {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mime }), file.name);
      const answer = await call(credentials, 'the media upload', '/media/upload', {
        method: 'POST',
        form,
        // An upload nobody posts is never shown: sending it again cannot duplicate anything.
        lostAnswer: 'retryable',
      });
      const uploaded = ofMediaUploadResponse.safeParse(answer);
      if (!uploaded.success) {
        throw new PlatformError('The OnlyFans provider answered an upload without an id', 'retryable');
      }
      return uploaded.data.prefixed_id;
    },

    async createPost(credentials, post) {
      const body: OfCreatePostBody = {
        text: post.text,
        ...(post.media?.length ? { mediaFiles: [...post.media] } : {}),
      };
      const answer = await call(credentials, 'the post', '/posts', {
        method: 'POST',
        json: body,
        lostAnswer: 'unknown',
      });
      const created = ofPostResponse.safeParse(answer);
      if (!created.success) {
        throw new PlatformError(
          'The OnlyFans provider accepted the post without an id',
          'unknown',
          undefined,
          'outcome_unknown',
        );
      }
      return postOf(created.data.data);
    },

    async listPosts(credentials, page) {
      const query = new URLSearchParams({ limit: String(page.limit), offset: String(page.offset) });
      const answer = await call(credentials, 'the posts list', `/posts?${query}`, {
        method: 'GET',
        lostAnswer: 'retryable',
      });
      const listed = ofPostListResponse.safeParse(answer);
      if (!listed.success) {
        throw new PlatformError('The OnlyFans provider answered an unexpected posts list', 'retryable');
      }
      const data = listed.data.data;
      const items = Array.isArray(data) ? data : data.list;
      const posts = items.flatMap((item) => {
        const parsed = ofPost.safeParse(item);
        return parsed.success ? [postOf(parsed.data)] : [];
      });
      // A page shorter than asked is the last one when the provider does not say.
      const hasMore = Array.isArray(data) ? items.length >= page.limit : (data.hasMore ?? false);
      return { posts, hasMore };
    },

    async getPost(credentials, postId) {
      try {
        const answer = await call(credentials, 'the post', `/posts/${encodeURIComponent(postId)}`, {
          method: 'GET',
          lostAnswer: 'retryable',
        });
        const found = ofPostResponse.safeParse(answer);
        if (!found.success) {
          throw new PlatformError('The OnlyFans provider answered an unexpected post', 'retryable');
        }
        return postOf(found.data.data);
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'chat_not_found') return undefined;
        throw err;
      }
    },

    /**
     * `GET /{account}/media/download/{cdn url}`: the provider fetches the file from the
     * OnlyFans CDN (the address goes unencoded, as its documentation shows) and streams it.
     */
    async downloadMedia(credentials, cdnUrl) {
      const url = `${apiRoot}/${encodeURIComponent(credentials.accountId)}/media/download/${cdnUrl}`;
      // The timeout covers the wait for an answer, not the download of a large body.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${credentials.apiKey}` },
          signal: abort.signal,
        });
      } catch (err) {
        throw new PlatformError(
          `Could not reach the OnlyFans provider (media download): ${redact(describeFetchError(err), credentials.apiKey)}`,
          'retryable',
          undefined,
          'network',
        );
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        const status = response.status;
        throw new PlatformError(
          `The OnlyFans provider answered ${status} to the media download`,
          status === 429 || status >= 500 ? 'retryable' : 'permanent',
          status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) * 1000 : undefined,
          status === 429
            ? 'rate_limited'
            : status >= 500
              ? 'upstream'
              : status === 401
                ? 'invalid_token'
                : 'rejected',
        );
      }
      return fetchedFile(response.headers, response.body);
    },

    verifyWebhook(request: WebhookRequest, credentials: ProviderCredentials): boolean {
      const header = request.headers[ONLYFANSAPI_SIGNATURE_HEADER];
      if (typeof header !== 'string' || !credentials.webhookSecret) return false;
      const expected = createHmac('sha256', credentials.webhookSecret).update(request.rawBody).digest('hex');
      // Hashing both gives equal lengths: neither a throw nor timing tells how close a guess was.
      const signed = timingSafeEqual(digest(header.trim().toLowerCase()), digest(expected));
      // One signing secret may serve several accounts: the event must be about this one.
      const envelope = ofWebhookEnvelope.safeParse(request.body);
      return signed && envelope.success && envelope.data.account_id === credentials.accountId;
    },

    parseWebhook(body: unknown): ProviderEvent {
      const envelope = ofWebhookEnvelope.safeParse(body);
      if (!envelope.success) return { kind: 'invalid', reason: formatIssues(envelope.error) };
      const { event, payload } = envelope.data;
      switch (event) {
        case 'messages.received': {
          const message = ofMessage.safeParse(payload);
          if (!message.success) return { kind: 'invalid', reason: formatIssues(message.error) };
          const m = message.data;
          const attachments = (m.media ?? []).flatMap(attachmentOf);
          return {
            kind: 'message',
            id: m.id,
            chatId: m.fromUser.id,
            fan: fanOf(m.fromUser),
            text: plainText(m.text ?? ''),
            ...(attachments.length > 0 ? { attachments } : {}),
            sentAt: dateOf(m.createdAt),
          };
        }
        case 'subscriptions.new': {
          const sub = ofSubscription.safeParse(payload);
          if (!sub.success) return { kind: 'invalid', reason: formatIssues(sub.error) };
          const at = dateOf(sub.data.subscribedAt);
          return {
            kind: 'subscribed',
            // No event id on the wire: the fan and the start of the period name a subscription.
            id: `subscription:${sub.data.user.id}:${sub.data.subscribedAt ?? at.toISOString().slice(0, 10)}`,
            chatId: sub.data.user.id,
            fan: fanOf(sub.data.user),
            sentAt: at,
          };
        }
        case 'messages.ppv.unlocked': {
          const unlocked = ofPpvUnlocked.safeParse(payload);
          const buyer = unlocked.data?.user ?? unlocked.data?.fromUser;
          if (!unlocked.success || !buyer) {
            return {
              kind: 'invalid',
              reason: unlocked.success ? 'payload: no buyer' : formatIssues(unlocked.error),
            };
          }
          return {
            kind: 'unlocked',
            messageId: unlocked.data.id,
            chatId: buyer.id,
            fan: fanOf(buyer),
            priceCents: Math.round(unlocked.data.price * 100),
          };
        }
        case 'accounts.session_expired':
        case 'accounts.otp_code_required': {
          const state = ofAccountState.safeParse(payload).data;
          const why =
            event === 'accounts.session_expired'
              ? 'the OnlyFans session expired; reconnect the account at the provider'
              : 'OnlyFans asks for a two-factor code; enter it at the provider';
          const detail = state?.latestAuthAttempt?.error_message;
          return { kind: 'needs_attention', reason: detail ? `${why} (${detail.slice(0, 200)})` : why };
        }
        case 'subscriptions.renewed':
          return { kind: 'ignored', reason: 'a renewal: the fan already had the welcome' };
        default:
          return { kind: 'ignored', reason: `event ${event.slice(0, 100)} is not used` };
      }
    },
  };
}

const MEDIA_KINDS: Record<string, AttachmentKind> = {
  photo: 'photo',
  video: 'video',
  gif: 'video',
  audio: 'voice',
};

/**
 * A file the fan sent, if it can be read: a locked or malformed item is left out (the text
 * still arrives). The CDN address is kept as the file id; clients never see it.
 */
function attachmentOf(item: unknown): InboundAttachment[] {
  const media = ofMedia.safeParse(item);
  if (!media.success || media.data.canView === false) return [];
  const m = media.data;
  const file = m.files?.full ?? m.source ?? undefined;
  const address = file?.url ?? file?.source ?? m.full ?? m.src;
  if (!address) return [];
  const duration = file?.duration ?? m.duration;
  return [
    {
      kind: MEDIA_KINDS[m.type.toLowerCase()] ?? 'document',
      fileId: address,
      fileUniqueId: `of:${m.id}`,
      ...(file?.width ? { width: file.width } : {}),
      ...(file?.height ? { height: file.height } : {}),
      ...(file?.size ? { size: file.size } : {}),
      ...(duration ? { duration: Math.round(duration) } : {}),
    },
  ];
}

function postOf(post: OfPost): ProviderPost {
  const postedAt = post.postedAt ? new Date(post.postedAt) : undefined;
  return {
    id: post.id,
    text: plainText(post.rawText ?? post.text ?? ''),
    ...(postedAt && !Number.isNaN(postedAt.getTime()) ? { postedAt } : {}),
    mediaCount: post.mediaCount ?? post.media?.length ?? 0,
    ...(typeof post.favoritesCount === 'number' ? { likes: post.favoritesCount } : {}),
    ...(typeof post.commentsCount === 'number' ? { comments: post.commentsCount } : {}),
    ...(post.author?.username ? { username: post.author.username } : {}),
  };
}

function fanOf(user: { id: string; name?: string; username?: string }): ProviderFan {
  return {
    platformUserId: user.id,
    displayName: user.name || user.username || user.id,
    ...(user.username ? { username: user.username } : {}),
  };
}

/** OnlyFans message text is HTML (`<p>Hi</p>`): fans wrote plain words. */
function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function dateOf(value: string | undefined): Date {
  const at = value ? new Date(value) : new Date();
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

function retryAfterSeconds(header: string | null): number {
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds > 0) return Math.min(seconds, 3600);
  const at = header ? Date.parse(header) : NaN;
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - Date.now()) / 1000)) : 1;
}

function redact(text: string, apiKey: string): string {
  return apiKey ? text.split(apiKey).join('<api key>') : text;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
