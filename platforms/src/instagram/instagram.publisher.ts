import { z } from 'zod';
import { postText, unreachableMediaReason } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import { killPoint } from '../kill-point';
import type { LocateOutcome, Publisher, PublishOutcome, PublishRequest } from '../publisher';
import { createInstagramAccounts, readInstagram, type InstagramCredentials } from './instagram.account';
import { createGraph, GraphError, isThrottle, PERMISSION_CODES, TOKEN_CODES } from './instagram.graph';
import { instagramPostRules } from './instagram.post-rules';

/** Where the publisher notes each target's container, before anything can publish it (Redis). */
export interface InstagramStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
}

export interface InstagramPublisherOptions {
  /** INSTAGRAM_API_ROOT: graph.instagram.com (Instagram Login) or graph.facebook.com (Facebook Login). */
  apiRoot: string;
  /** PUBLIC_URL: Meta fetches each medium from this hub. */
  publicUrl: string;
  store: InstagramStore;
  prefix: string;
  /** How long a carousel's video items may take to be processed before the carousel is made. */
  childWaitMs?: number;
}

/** Containers live 24 h on Meta's side; their notes a little longer. */
const NOTE_SECONDS = 48 * 3600;
/** The quota is a rolling 24 h window; Meta does not say when a slot frees, so look again in an hour. */
const QUOTA_RETRY_MS = 60 * 60_000;
const CONTAINER = 'container:';

interface ContainerNote {
  containerId: string;
  igUserId: string;
  caption: string;
  createdAt: string;
}

/**
 * Instagram through the Graph API's content publishing: a container per post (items first for a
 * carousel) made from signed addresses of this hub, its status polled until FINISHED, then
 * `media_publish`. Never twice: `media_publish` is only ever called from `status` on a
 * container whose id the engine stored as the target's remote id, and a container publishes
 * at most once on Meta's side; each container is also noted (Redis) under its target before
 * `publish` returns, so `locate` can ask Meta about it after a crash.
 */
/** `GET /{media-id}/insights`: one row per metric, its lifetime value first. */
const insights = z.object({
  data: z.array(z.object({ name: z.string(), values: z.array(z.object({ value: z.number() })) })),
});
/** `follower_demographics` with `breakdown=country`. */
const demographics = z.object({
  data: z.array(
    z.object({
      total_value: z.object({
        breakdowns: z.array(
          z.object({
            results: z.array(z.object({ dimension_values: z.array(z.string()).min(1), value: z.number() })),
          }),
        ),
      }),
    }),
  ),
});

export function createInstagramPublisher(options: InstagramPublisherOptions): Publisher {
  const graph = createGraph(options.apiRoot);
  const accounts = createInstagramAccounts(graph);
  const childWaitMs = options.childWaitMs ?? 40_000;
  const noteKey = (targetId: string) => `${options.prefix}:instagram:container:${targetId}`;
  const byContainer = (containerId: string) => `${options.prefix}:instagram:by-container:${containerId}`;
  const mediaKey = (containerId: string) => `${options.prefix}:instagram:media:${containerId}`;
  const unreachable = () => unreachableMediaReason(options.publicUrl, options.apiRoot);

  async function note(targetId: string, value: ContainerNote): Promise<void> {
    const json = JSON.stringify(value);
    await options.store.set(noteKey(targetId), json, 'EX', NOTE_SECONDS);
    await options.store.set(byContainer(value.containerId), json, 'EX', NOTE_SECONDS);
  }
  const recall = async (key: string): Promise<ContainerNote | undefined> => {
    const raw = await options.store.get(key);
    return raw ? (JSON.parse(raw) as ContainerNote) : undefined;
  };

  /** The published media's permalink (Meta answers it once the post is live). */
  async function published(ig: InstagramCredentials, mediaId: string): Promise<PublishOutcome> {
    try {
      const media = await graph.get<{ permalink?: string }>(mediaId, ig.igAccessToken, {
        fields: 'id,permalink',
      });
      return { state: 'published', remoteId: mediaId, ...(media.permalink ? { url: media.permalink } : {}) };
    } catch {
      return { state: 'published', remoteId: mediaId };
    }
  }

  /** A container Meta says is PUBLISHED: its media id as noted, else found among the account's latest posts. */
  async function publishedContainer(ig: InstagramCredentials, containerId: string): Promise<PublishOutcome> {
    const mediaId = await options.store.get(mediaKey(containerId));
    if (mediaId) return published(ig, mediaId);
    const noted = await recall(byContainer(containerId));
    try {
      const recent = await graph.get<{
        data?: { id: string; caption?: string; permalink?: string; timestamp?: string }[];
      }>(`${ig.igUserId}/media`, ig.igAccessToken, { fields: 'id,caption,permalink,timestamp', limit: 25 });
      const since = noted ? Date.parse(noted.createdAt) - 60_000 : 0;
      const match = (recent.data ?? []).find(
        (m) => noted && (m.caption ?? '') === noted.caption && Date.parse(m.timestamp ?? '') >= since,
      );
      if (match)
        return {
          state: 'published',
          remoteId: match.id,
          ...(match.permalink ? { url: match.permalink } : {}),
        };
    } catch {
      // Live for sure (Meta said PUBLISHED); only its address is unknown.
    }
    return { state: 'published', remoteId: `${CONTAINER}${containerId}` };
  }

  async function containerStatus(ig: InstagramCredentials, containerId: string) {
    return graph.get<{ status_code?: string; status?: string }>(containerId, ig.igAccessToken, {
      fields: 'status_code,status',
    });
  }

  async function createContainers(ig: InstagramCredentials, request: PublishRequest): Promise<string> {
    const { post, mediaUrls } = request;
    const caption = postText(post);
    const token = ig.igAccessToken;
    const create = (params: Record<string, string | boolean | undefined>) =>
      graph.post<{ id: string }>(`${ig.igUserId}/media`, token, params).then((r) => r.id);
    if (post.kind === 'carousel') {
      const children: string[] = [];
      for (const [index, item] of post.media.entries()) {
        const url = mediaUrls[index]!;
        children.push(
          await create(
            item.kind === 'video'
              ? { media_type: 'VIDEO', video_url: url, is_carousel_item: true }
              : { image_url: url, is_carousel_item: true, alt_text: item.alt || undefined },
          ),
        );
      }
      await waitForChildren(ig, children);
      return create({ media_type: 'CAROUSEL', children: children.join(','), caption });
    }
    const item = post.media[0]!;
    return item.kind === 'video'
      ? create({ media_type: 'REELS', video_url: mediaUrls[0]!, caption })
      : create({ image_url: mediaUrls[0]!, caption, alt_text: item.alt || undefined });
  }

  /** A carousel is made from finished items: videos are processed first. */
  async function waitForChildren(ig: InstagramCredentials, children: string[]): Promise<void> {
    const deadline = Date.now() + childWaitMs;
    for (const child of children) {
      for (;;) {
        const { status_code, status } = await containerStatus(ig, child);
        if (status_code === 'FINISHED') break;
        if (status_code === 'ERROR' || status_code === 'EXPIRED')
          throw new GraphError(
            400,
            -3,
            undefined,
            `a carousel item could not be processed (${status ?? status_code})`,
            false,
            undefined,
          );
        if (Date.now() > deadline)
          throw new GraphError(
            503,
            -2,
            undefined,
            'Instagram is still processing the carousel’s videos',
            true,
            60_000,
          );
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Settles a noted container: published, still on its way, or proven never published. */
  async function settleContainer(ig: InstagramCredentials, containerId: string): Promise<PublishOutcome> {
    let code: string | undefined;
    let detail: string | undefined;
    try {
      ({ status_code: code, status: detail } = await containerStatus(ig, containerId));
    } catch (error) {
      // Not knowing is not "absent": ask again later, never publish another.
      if (error instanceof GraphError && TOKEN_CODES.has(error.code))
        return {
          state: 'unconfirmed',
          reason: 'Instagram refused the access token while checking the post: reconnect the account',
        };
      return {
        state: 'processing',
        remoteId: `${CONTAINER}${containerId}`,
        checkAfterMs: waitOf(error, 15_000),
      };
    }
    switch (code) {
      case 'PUBLISHED':
        return publishedContainer(ig, containerId);
      case 'IN_PROGRESS':
        return { state: 'processing', remoteId: `${CONTAINER}${containerId}`, checkAfterMs: 3_000 };
      case 'EXPIRED':
        // Never published (containers expire unpublished after 24 h): preparing it again is safe.
        return {
          state: 'failed',
          reason: 'Instagram discarded the prepared post (containers expire after 24 h)',
          retry: true,
        };
      case 'ERROR':
        return {
          state: 'failed',
          reason: `Instagram could not process the media${detail ? ` (${detail})` : ''}`,
          retry: /2207001|2207003|2207032|2207053/.test(detail ?? ''),
        };
      case 'FINISHED':
        return publishContainer(ig, containerId);
      default:
        return { state: 'processing', remoteId: `${CONTAINER}${containerId}`, checkAfterMs: 5_000 };
    }
  }

  async function publishContainer(ig: InstagramCredentials, containerId: string): Promise<PublishOutcome> {
    let mediaId: string;
    try {
      ({ id: mediaId } = await graph.post<{ id: string }>(`${ig.igUserId}/media_publish`, ig.igAccessToken, {
        creation_id: containerId,
      }));
    } catch (error) {
      if (!(error instanceof GraphError) || error.transient)
        // Perhaps published: the next check reads the container first (PUBLISHED, or FINISHED again).
        return {
          state: 'processing',
          remoteId: `${CONTAINER}${containerId}`,
          checkAfterMs: waitOf(error, 5_000),
        };
      if (isThrottle(error))
        return {
          state: 'failed',
          reason: `Instagram: ${error.message} (limit reached; Velvet tries again later)`,
          retry: true,
          retryAfterMs: error.retryAfterMs ?? QUOTA_RETRY_MS,
        };
      // A refusal can follow a post that went live (subcode 2207051): look before concluding.
      const after = await containerStatus(ig, containerId).catch(() => undefined);
      if (after?.status_code === 'PUBLISHED') return publishedContainer(ig, containerId);
      if (TOKEN_CODES.has(error.code))
        return {
          state: 'unconfirmed',
          reason: 'Instagram refused the access token while publishing: reconnect the account',
        };
      return { state: 'failed', reason: `Instagram refused the post: ${error.message}`, retry: false };
    }
    await options.store.set(mediaKey(containerId), mediaId, 'EX', NOTE_SECONDS).catch(() => undefined);
    killPoint('instagram:after-media-publish');
    return published(ig, mediaId);
  }

  return {
    platform: 'instagram',
    // The PUBLIC_URL check is made when publishing (the reason shows on the target), not here:
    // a draft may be prepared before the hub gets its public address.
    rules: instagramPostRules,
    account: accounts,

    async publish(request: PublishRequest): Promise<PublishOutcome> {
      let ig: InstagramCredentials;
      try {
        ig = readInstagram(request.credentials);
      } catch (error) {
        return { state: 'failed', reason: (error as Error).message, retry: false, kind: 'disconnect' };
      }
      const reason = unreachable();
      if (reason) return { state: 'failed', reason: `Instagram: ${reason}`, retry: false };
      if (request.mediaUrls.length !== request.post.media.length || request.post.media.length === 0)
        return { state: 'failed', reason: 'Instagram needs each medium at a public address', retry: false };
      try {
        const limit = await graph.get<{
          data?: { quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }[];
        }>(`${ig.igUserId}/content_publishing_limit`, ig.igAccessToken, { fields: 'quota_usage,config' });
        const row = limit.data?.[0];
        const total = row?.config?.quota_total;
        if (row && typeof total === 'number' && (row.quota_usage ?? 0) >= total) {
          const hours = Math.round((row.config?.quota_duration ?? 86_400) / 3600);
          return {
            state: 'failed',
            reason: `Instagram's publishing limit is reached (${row.quota_usage} of ${total} posts in ${hours} h): Velvet tries again in an hour`,
            retry: true,
            retryAfterMs: QUOTA_RETRY_MS,
          };
        }
        const containerId = await createContainers(ig, request);
        await note(request.targetId, {
          containerId,
          igUserId: ig.igUserId,
          caption: postText(request.post),
          createdAt: new Date().toISOString(),
        });
        const video = request.post.media.some((m) => m.kind === 'video');
        return {
          state: 'processing',
          remoteId: `${CONTAINER}${containerId}`,
          checkAfterMs: video ? 3_000 : 500,
        };
      } catch (error) {
        // Nothing is published before `media_publish`: any failure here is safe to retry.
        return failedBefore(error);
      }
    },

    async status(credentials: StoredCredentials, remoteId: string): Promise<PublishOutcome> {
      const ig = readInstagram(credentials);
      if (!remoteId.startsWith(CONTAINER)) return published(ig, remoteId);
      return settleContainer(ig, remoteId.slice(CONTAINER.length));
    },

    /**
     * The media's lifetime insights (`GET /{media-id}/insights`): likes, comments, shares,
     * saved, reach and views. A post still a container has none yet.
     */
    async metrics(credentials: StoredCredentials, remoteId: string) {
      const ig = readInstagram(credentials);
      if (remoteId.startsWith(CONTAINER)) throw new Error('Instagram: the post is not published yet');
      const answer = await graph.get<unknown>(`${remoteId}/insights`, ig.igAccessToken, {
        metric: 'likes,comments,shares,saved,reach,views',
      });
      const rows = insights.parse(answer).data;
      const value = (name: string) => rows.find((r) => r.name === name)?.values[0]?.value;
      return {
        likes: value('likes') ?? 0,
        comments: value('comments') ?? 0,
        shares: value('shares') ?? 0,
        views: value('views') ?? 0,
        ...(value('reach') !== undefined ? { reach: value('reach')! } : {}),
        ...(value('saved') !== undefined ? { saves: value('saved')! } : {}),
      };
    },

    /**
     * Followers (`GET /{ig-user-id}?fields=followers_count`) and their countries (the
     * `follower_demographics` insight broken down by country; an account under 100 followers
     * has none, which leaves the geography out).
     */
    async accountMetrics(credentials: StoredCredentials) {
      const ig = readInstagram(credentials);
      const user = await graph.get<{ followers_count?: number }>(ig.igUserId, ig.igAccessToken, {
        fields: 'followers_count',
      });
      if (typeof user.followers_count !== 'number') throw new Error('Instagram gave no follower count');
      let geography: Record<string, number> | undefined;
      try {
        const demo = demographics.parse(
          await graph.get<unknown>(`${ig.igUserId}/insights`, ig.igAccessToken, {
            metric: 'follower_demographics',
            period: 'lifetime',
            metric_type: 'total_value',
            breakdown: 'country',
          }),
        );
        const results = demo.data[0]?.total_value.breakdowns[0]?.results ?? [];
        if (results.length)
          geography = Object.fromEntries(results.map((r) => [r.dimension_values[0]!, r.value]));
      } catch (error) {
        if (!(error instanceof GraphError) || isThrottle(error)) throw error;
      }
      return { followers: user.followers_count, ...(geography ? { geography } : {}) };
    },

    /**
     * After a crash before the container's id was stored on the target: the container noted
     * under the target is asked about. No note means no container of this target was ever
     * handed to `media_publish` (that only happens from a stored id): absent.
     */
    async locate(credentials: StoredCredentials, targetId: string): Promise<LocateOutcome> {
      const ig = readInstagram(credentials);
      const noted = await recall(noteKey(targetId));
      if (!noted) return { state: 'absent' };
      let code: string | undefined;
      try {
        ({ status_code: code } = await containerStatus(ig, noted.containerId));
      } catch (error) {
        return {
          state: 'unconfirmed',
          reason: `Instagram did not say whether the post is there: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      if (code === 'PUBLISHED') return publishedContainer(ig, noted.containerId);
      if (code === 'EXPIRED' || code === 'ERROR') return { state: 'absent' };
      return { state: 'processing', remoteId: `${CONTAINER}${noted.containerId}`, checkAfterMs: 500 };
    },
  };
}

function waitOf(error: unknown, fallback: number): number {
  return error instanceof GraphError && error.retryAfterMs ? error.retryAfterMs : fallback;
}

/** A refusal before anything could be published: invalid (shown, not retried), or worth another try. */
function failedBefore(error: unknown): PublishOutcome {
  if (!(error instanceof GraphError))
    return {
      state: 'failed',
      reason: `Instagram could not be reached: ${error instanceof Error ? error.message : String(error)}`,
      retry: true,
    };
  if (TOKEN_CODES.has(error.code))
    return {
      state: 'failed',
      reason: `Instagram refused the access token: ${error.message}`,
      retry: true,
      kind: 'refresh_token',
    };
  if (PERMISSION_CODES.has(error.code))
    return {
      state: 'failed',
      reason: `Instagram: the token may not publish (${error.message}); reconnect with the publishing permission`,
      retry: false,
      kind: 'disconnect',
    };
  if (isThrottle(error) || error.transient)
    return {
      state: 'failed',
      reason: `Instagram: ${error.message}`,
      retry: true,
      ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  return {
    state: 'failed',
    reason: `Instagram refused the post: ${error.message}`,
    retry: false,
    kind: 'bad_body',
  };
}
