import type { Agent } from '@atproto/api';
import { postText, type PostMedia } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import type { LocateOutcome, Publisher, PublishOutcome, PublishRequest } from '../publisher';
import {
  blueskyAccountMetrics,
  blueskyPostMetrics,
  blueskyTrends,
  createBlueskyInteractions,
} from './bluesky.interactions';
import { blueskyPostRules } from './bluesky.post-rules';
import { atproto, createBlueskySessions, readSession, sessionAgent, xrpcFailure } from './bluesky.session';
import { recordKeyFor } from './bluesky.tid';

const POST = 'app.bsky.feed.post';

export interface BlueskyPublisherOptions {
  /** The PDS or entryway accounts sign in to (`BLUESKY_SERVICE`). */
  service: string;
  /** The AppView that serves trends and threads (`BLUESKY_APPVIEW_ROOT`, public.api.bsky.app). */
  appView?: string;
  /** Where a post is shown to people. */
  webUrl?: string;
}

/**
 * Bluesky through its own XRPC API (`@atproto/api`). Each target writes its post under a
 * record key derived from the target id, so asking whether the post exists is one
 * `getRecord`, and a retry can never create a second post: the key is already taken.
 */
export function createBlueskyPublisher(options: BlueskyPublisherOptions): Publisher {
  const web = options.webUrl ?? 'https://bsky.app';
  const appView = options.appView ?? 'https://public.api.bsky.app';
  const sessions = createBlueskySessions(options.service);
  const agentFor = async (credentials: StoredCredentials) => {
    const session = readSession(credentials);
    return { session, agent: await sessionAgent(options.service, session) };
  };
  const urlOf = (handle: string, rkey: string) => `${web}/profile/${handle}/post/${rkey}`;

  /** The post under this key: published, absent (proved by the PDS), or unknown. */
  async function find(credentials: StoredCredentials, rkey: string): Promise<LocateOutcome> {
    const { session, agent } = await agentFor(credentials);
    try {
      const { data } = await agent.com.atproto.repo.getRecord({ repo: session.did, collection: POST, rkey });
      return { state: 'published', remoteId: data.uri, url: urlOf(session.handle, rkey) };
    } catch (error) {
      const failure = xrpcFailure(error);
      if (failure?.error === 'RecordNotFound') return { state: 'absent' };
      return {
        state: 'unconfirmed',
        reason: `Bluesky did not say whether the post is there: ${describe(error)}`,
      };
    }
  }

  return {
    platform: 'bluesky',
    rules: blueskyPostRules,
    account: {
      connectsWith: 'credentials',
      credentialsSchema: sessions.credentialsSchema,
      connect: sessions.connect,
      disconnect: sessions.disconnect,
      check: sessions.check,
      tokens: sessions.tokens,
    },

    async publish(request: PublishRequest): Promise<PublishOutcome> {
      const rkey = recordKeyFor(request.targetId);
      const { session, agent } = await agentFor(request.credentials);
      // Before anything is uploaded: a post already under this key is this target's.
      const before = await find(request.credentials, rkey);
      if (before.state === 'published') return before;

      let record: Record<string, unknown>;
      try {
        const { RichText } = await atproto();
        const text = new RichText({ text: postText(request.post) });
        await text.detectFacets(agent);
        const embed = await embedFor(agent, request);
        record = {
          $type: POST,
          text: text.text,
          ...(text.facets?.length ? { facets: text.facets } : {}),
          ...(embed ? { embed } : {}),
          createdAt: new Date().toISOString(),
        };
      } catch (error) {
        // Nothing is written before the post record: a failure here is safe to retry.
        return failedBefore(error);
      }
      try {
        const { data } = await agent.com.atproto.repo.createRecord({
          repo: session.did,
          collection: POST,
          rkey,
          record,
        });
        return { state: 'published', remoteId: data.uri, url: urlOf(session.handle, rkey) };
      } catch (error) {
        const failure = xrpcFailure(error);
        // Written meanwhile (an earlier attempt landed late): the key proves it is ours.
        if (failure?.status === 400 && /already exists/i.test(failure.message)) {
          const found = await find(request.credentials, rkey);
          return found.state === 'absent' ? { state: 'unconfirmed', reason: failure.message } : found;
        }
        if (failure && failure.status < 500) return failedBefore(error);
        return { state: 'unconfirmed', reason: `Bluesky did not confirm the post: ${describe(error)}` };
      }
    },

    async status(credentials, remoteId) {
      const rkey = remoteId.split('/').pop() ?? '';
      const found = await find(credentials, rkey);
      return found.state === 'absent'
        ? { state: 'failed', reason: 'The post is no longer on Bluesky (deleted there)', retry: false }
        : found;
    },

    locate: (credentials, targetId) => find(credentials, recordKeyFor(targetId)),

    // Counters come from the AppView, as the app shows them; the PDS only holds records.
    metrics: (_credentials, remoteId) => blueskyPostMetrics(appView, remoteId),
    accountMetrics: (credentials) => blueskyAccountMetrics(appView, credentials),
    trends: (request) => blueskyTrends(appView, request),
    interactions: createBlueskyInteractions({ service: options.service, appView }),
  };
}

/** Up to four images with their alt text, or one video: uploaded as blobs, then embedded. */
async function embedFor(agent: Agent, request: PublishRequest): Promise<Record<string, unknown> | undefined> {
  const media = request.post.media;
  if (media.length === 0) return undefined;
  const upload = async (item: PostMedia, index: number) => {
    const bytes = await request.readMedia(index);
    const { data } = await agent.com.atproto.repo.uploadBlob(bytes, { encoding: item.mime });
    return data.blob;
  };
  const aspectRatio = (item: PostMedia) =>
    item.width && item.height ? { aspectRatio: { width: item.width, height: item.height } } : {};
  if (media[0]!.kind === 'video') {
    const video = media[0]!;
    return {
      $type: 'app.bsky.embed.video',
      video: await upload(video, 0),
      ...(video.alt ? { alt: video.alt } : {}),
      ...aspectRatio(video),
    };
  }
  const images = [];
  for (const [index, item] of media.entries())
    images.push({ image: await upload(item, index), alt: item.alt ?? '', ...aspectRatio(item) });
  return { $type: 'app.bsky.embed.images', images };
}

/** A refusal before the post was written: invalid (shown, not retried), or worth another try. */
function failedBefore(error: unknown): PublishOutcome {
  const failure = xrpcFailure(error);
  if (!failure)
    return { state: 'failed', reason: `Bluesky could not be reached: ${describe(error)}`, retry: true };
  if (failure.status === 413)
    return {
      state: 'failed',
      reason: 'This Bluesky server does not take a file that large (its blob limit)',
      retry: false,
    };
  if (failure.status === 401 || failure.error === 'ExpiredToken')
    return { state: 'failed', reason: 'Bluesky refused the session', retry: true, kind: 'refresh_token' };
  if (failure.status === 429 || failure.status >= 500)
    return { state: 'failed', reason: `Bluesky: ${failure.message || failure.error}`, retry: true };
  return {
    state: 'failed',
    reason: `Bluesky refused the post: ${failure.message || failure.error}`,
    retry: false,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
