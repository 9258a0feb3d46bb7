import { postText, unreachableMediaReason } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import { killPoint } from '../kill-point';
import type { LocateOutcome, PostMetrics, Publisher, PublishOutcome, PublishRequest } from '../publisher';
import {
  auditNotice,
  createTikTokAccount,
  PRIVACY_LEVELS,
  queryCreator,
  readTikTokCredentials,
  SCOPE_CODES,
  TOKEN_CODES,
  type CreatorInfo,
  type TikTokStoredCredentials,
} from './tiktok.account';
import {
  createTikTokApi,
  int64Ids,
  TikTokLostAnswer,
  TikTokUnreachable,
  type TikTokAnswer,
} from './tiktok.api';
import { tiktokPostRules } from './tiktok.post-rules';

/** Where the publisher notes each target's publish_id the moment TikTok gives it (Redis). */
export interface TikTokStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
}

export interface TikTokPublisherOptions {
  apiRoot: string;
  authRoot: string;
  clientKey?: string | undefined;
  clientSecret?: string | undefined;
  /** TIKTOK_APP_AUDITED: until TikTok audits the app, every post is private (SELF_ONLY). */
  audited: boolean;
  /** PUBLIC_URL: TikTok pulls a photo post's images from this hub. */
  publicUrl: string;
  store: TikTokStore;
  prefix: string;
  /** Where a post is shown to people. */
  webUrl?: string;
  timeoutMs?: number;
  /** Bytes per uploaded chunk (TikTok: 5–64 MB; the last chunk takes the rest, up to 128 MB). */
  chunkBytes?: number;
  /** How long one publish waits for TikTok's processing before asking again later. */
  processingBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const MB = 1024 * 1024;
/** TikTok's chunk rules (Media Transfer Guide). */
export const TIKTOK_MIN_CHUNK = 5 * MB;
export const TIKTOK_MAX_CHUNK = 64 * MB;
export const TIKTOK_MAX_FINAL_CHUNK = 128 * MB;
export const TIKTOK_MAX_CHUNKS = 1000;
/** `video/init` and `content/init`: 6 per minute per access token. */
const INITS_PER_MINUTE = 6;
/** `status/fetch`: 30 per minute per token: one poll every 2 s at most. */
const STATUS_INTERVAL_MS = 2_000;
/** A publish_id's note outlives TikTok's upload URL (1 h) and moderation (hours). */
const NOTE_SECONDS = 48 * 3600;
/** TikTok does not say when its daily posting cap reopens: look again in an hour. */
const CAP_RETRY_MS = 60 * 60_000;
const PUBLISH = 'publish:';

interface PublishNote {
  /** Absent while `content/init` was sent and not answered (photos: TikTok may be pulling them). */
  publishId?: string;
  /** For an upload: its size, to tell a cut upload (never published) from a complete one. */
  videoSize?: number;
  createdAt: string;
}

/** How a video of `size` bytes is cut, by TikTok's rules: chunk size, count, final chunk absorbs the rest. */
export function chunkPlan(size: number, preferred = 10 * MB): { chunkSize: number; count: number } {
  if (size <= Math.max(preferred, TIKTOK_MIN_CHUNK) && size <= TIKTOK_MAX_CHUNK)
    return { chunkSize: size, count: 1 };
  const chunkSize = Math.min(
    TIKTOK_MAX_CHUNK,
    Math.max(TIKTOK_MIN_CHUNK, preferred, Math.ceil(size / TIKTOK_MAX_CHUNKS)),
  );
  return { chunkSize, count: Math.floor(size / chunkSize) };
}

/** The privacy a post goes out with: private until the app is audited, else the most public offered. */
export function privacyFor(info: CreatorInfo, audited: boolean): string | undefined {
  const offered = (level: string) => info.privacy_level_options.includes(level);
  if (!audited) return offered('SELF_ONLY') ? 'SELF_ONLY' : undefined;
  return PRIVACY_LEVELS.find(offered);
}

/** A video's caption (2,200) or a photo post's title (90 UTF-16 units) and description (4,000). */
function photoTitle(text: string): string {
  const first = text.split('\n')[0]!.trim();
  return first.length <= 90 ? first : `${first.slice(0, 89)}…`;
}

/** TikTok's `fail_reason`s that no retry can fix: the media or the text must change. */
const CONTENT_FAILURES =
  /file_format_check_failed|duration_check_failed|frame_rate_check_failed|picture_size_check_failed|video_pull_failed|photo_pull_failed|spam_risk_text|publish_cancelled/;

/**
 * TikTok's Content Posting API, Direct Post. Before each post the creator's info is asked
 * (privacy options, the longest video, comments/duets/stitches turned off); a video is
 * uploaded in chunks (FILE_UPLOAD), photos are pulled by TikTok from the hub's signed
 * addresses (PULL_FROM_URL); the publish_id is noted under the target in the step that
 * learns it, then `status/fetch` is polled until PUBLISH_COMPLETE. Never twice: an unknown
 * outcome is settled by `locate` asking TikTok about the noted publish_id; a cut upload is
 * proven never published (TikTok holds fewer bytes than the video), and only then sent again.
 */
export function createTikTokPublisher(options: TikTokPublisherOptions): Publisher {
  const web = (options.webUrl ?? 'https://www.tiktok.com').replace(/\/+$/, '');
  const api = createTikTokApi({
    apiRoot: options.apiRoot,
    authRoot: options.authRoot,
    clientKey: options.clientKey,
    clientSecret: options.clientSecret,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const budgetMs = options.processingBudgetMs ?? 40_000;
  const noteKey = (targetId: string) => `${options.prefix}:tiktok:publish:${targetId}`;
  /** The inits of the last minute, per creator, in this process (TikTok allows 6). */
  const inits = new Map<string, number[]>();

  const profileUrl = (username: string) => `${web}/@${username}`;
  const postUrl = (username: string, id: string, photo: boolean) =>
    `${web}/@${username}/${photo ? 'photo' : 'video'}/${id}`;

  async function note(targetId: string, value: PublishNote): Promise<void> {
    await options.store.set(noteKey(targetId), JSON.stringify(value), 'EX', NOTE_SECONDS);
  }
  async function recall(targetId: string): Promise<PublishNote | undefined> {
    const raw = await options.store.get(noteKey(targetId));
    return raw ? (JSON.parse(raw) as PublishNote) : undefined;
  }

  function initSlot(openId: string): number | undefined {
    const now = Date.now();
    const recent = (inits.get(openId) ?? []).filter((at) => at > now - 60_000);
    inits.set(openId, recent);
    if (recent.length >= INITS_PER_MINUTE) return recent[0]! + 60_000;
    recent.push(now);
    return undefined;
  }

  /** A refusal before anything could be published, sorted into Postiz's four kinds. */
  function refusal(answer: TikTokAnswer, step: string): PublishOutcome {
    const said = `${answer.code}${answer.message ? `: ${answer.message}` : ''}`;
    if (SCOPE_CODES.has(answer.code))
      return {
        state: 'failed',
        reason: `TikTok: the account did not allow posting (${said}); reconnect it and allow it`,
        retry: false,
        kind: 'disconnect',
      };
    if (TOKEN_CODES.has(answer.code) || answer.status === 401)
      return {
        state: 'failed',
        reason: `TikTok refused the access token (${step})`,
        retry: true,
        kind: 'refresh_token',
      };
    if (answer.code === 'rate_limit_exceeded' || answer.status === 429)
      return {
        state: 'failed',
        reason: `TikTok's rate limit is reached (${step})`,
        retry: true,
        kind: 'retry',
        retryAfterMs: 60_000,
      };
    if (answer.code === 'spam_risk_too_many_posts' || answer.code === 'spam_risk_too_many_pending_share')
      return {
        state: 'failed',
        reason: `TikTok's daily posting cap for this account is reached (${answer.code}): Velvet tries again in an hour`,
        retry: true,
        kind: 'retry',
        retryAfterMs: CAP_RETRY_MS,
      };
    if (answer.code === 'unaudited_client_can_only_post_to_private_accounts')
      return {
        state: 'failed',
        reason:
          'TikTok has not audited this app: it may only post privately (SELF_ONLY). Leave TIKTOK_APP_AUDITED unset until the audit passes',
        retry: false,
        kind: 'bad_body',
      };
    if (answer.status >= 500 || answer.code === 'internal_error')
      return {
        state: 'failed',
        reason: `TikTok answered ${answer.status} (${step}): ${said}`,
        retry: true,
        kind: 'retry',
      };
    return {
      state: 'failed',
      reason: `TikTok refused the post (${step}): ${said}`,
      retry: false,
      kind: 'bad_body',
    };
  }

  const fromError = (error: unknown, step: string): PublishOutcome =>
    error instanceof TikTokUnreachable
      ? { state: 'failed', reason: error.message, retry: true, kind: 'retry' }
      : { state: 'unconfirmed', reason: `${(error as Error).message} (${step})` };

  /** Asks TikTok about a publish_id until it is settled or the budget is spent. */
  async function follow(
    credentials: TikTokStoredCredentials,
    publishId: string,
    photo: boolean,
    waitMs: number,
  ): Promise<PublishOutcome> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const outcome = await statusOf(credentials, publishId, photo);
      if (outcome.state !== 'processing' || Date.now() + STATUS_INTERVAL_MS > deadline) return outcome;
      await sleep(STATUS_INTERVAL_MS);
    }
  }

  async function fetchStatus(credentials: TikTokStoredCredentials, publishId: string) {
    return api.call(credentials.accessToken, '/v2/post/publish/status/fetch/', 'the post status', {
      publish_id: publishId,
    });
  }

  async function statusOf(
    credentials: TikTokStoredCredentials,
    publishId: string,
    photo: boolean,
  ): Promise<PublishOutcome> {
    const remoteId = `${PUBLISH}${photo ? 'photo:' : ''}${publishId}`;
    let answer: TikTokAnswer;
    try {
      answer = await fetchStatus(credentials, publishId);
    } catch (error) {
      // Not knowing is not "absent": ask again later.
      void error;
      return { state: 'processing', remoteId, checkAfterMs: 15_000 };
    }
    if (answer.code !== 'ok') {
      if (TOKEN_CODES.has(answer.code))
        return {
          state: 'unconfirmed',
          reason: 'TikTok refused the access token while checking the post: reconnect the account',
        };
      return { state: 'processing', remoteId, checkAfterMs: answer.status === 429 ? 60_000 : 15_000 };
    }
    const status = String(answer.data.status ?? '');
    if (status === 'PUBLISH_COMPLETE') {
      const ids = int64Ids(answer.raw, 'publicaly_available_post_id');
      // A private (SELF_ONLY) post has no public id: its creator sees it on their profile.
      return ids[0]
        ? { state: 'published', remoteId: ids[0], url: postUrl(credentials.username, ids[0], photo) }
        : { state: 'published', remoteId, url: profileUrl(credentials.username) };
    }
    if (status === 'FAILED') {
      const reason = String(answer.data.fail_reason ?? 'failed');
      return {
        state: 'failed',
        reason: `TikTok could not publish the post (${reason})`,
        // FAILED is never live: trying again cannot make a duplicate.
        retry: !CONTENT_FAILURES.test(reason),
        kind: CONTENT_FAILURES.test(reason) ? 'bad_body' : 'retry',
      };
    }
    return { state: 'processing', remoteId, checkAfterMs: 5_000 };
  }

  async function creatorOrRefusal(
    credentials: TikTokStoredCredentials,
  ): Promise<{ info: CreatorInfo } | PublishOutcome> {
    try {
      const creator = await queryCreator(api, credentials.accessToken, 'the creator info');
      return 'info' in creator ? creator : refusal(creator.refused, 'creator info');
    } catch (error) {
      // Nothing is posted by asking: any failure here is safe to try again.
      return { state: 'failed', reason: (error as Error).message, retry: true, kind: 'retry' };
    }
  }

  async function publishVideo(
    credentials: TikTokStoredCredentials,
    request: PublishRequest,
    info: CreatorInfo,
    privacy: string,
  ): Promise<PublishOutcome> {
    const item = request.post.media[0]!;
    const max = info.max_video_post_duration_sec;
    if (max && item.durationSeconds && item.durationSeconds > max)
      return {
        state: 'failed',
        reason: `TikTok: this account may post videos up to ${max} s; the video lasts ${Math.round(item.durationSeconds)} s`,
        retry: false,
        kind: 'bad_body',
      };
    let bytes: Buffer;
    try {
      bytes = await request.readMedia(0);
    } catch (error) {
      return {
        state: 'failed',
        reason: `The video could not be read: ${(error as Error).message}`,
        retry: false,
      };
    }
    const plan = chunkPlan(bytes.length, options.chunkBytes);
    let init: TikTokAnswer;
    try {
      init = await api.call(credentials.accessToken, '/v2/post/publish/video/init/', 'the video init', {
        post_info: {
          title: postText(request.post),
          privacy_level: privacy,
          disable_comment: info.comment_disabled === true,
          disable_duet: info.duet_disabled === true,
          disable_stitch: info.stitch_disabled === true,
        },
        source_info: {
          source: 'FILE_UPLOAD',
          video_size: bytes.length,
          chunk_size: plan.chunkSize,
          total_chunk_count: plan.count,
        },
      });
    } catch (error) {
      // A lost answer gave no upload address: nothing can have been uploaded, so nothing posted.
      return error instanceof TikTokLostAnswer
        ? { state: 'failed', reason: `${error.message}; nothing was uploaded`, retry: true, kind: 'retry' }
        : fromError(error, 'video init');
    }
    const publishId = typeof init.data.publish_id === 'string' ? init.data.publish_id : '';
    const uploadUrl = typeof init.data.upload_url === 'string' ? init.data.upload_url : '';
    if (init.code !== 'ok' || !publishId || !uploadUrl) return refusal(init, 'video init');
    await note(request.targetId, { publishId, videoSize: bytes.length, createdAt: new Date().toISOString() });
    killPoint('tiktok:after-init');

    for (let index = 0; index < plan.count; index++) {
      const first = index * plan.chunkSize;
      const last = index === plan.count - 1 ? bytes.length - 1 : first + plan.chunkSize - 1;
      let put: { status: number; message: string };
      try {
        put = await api.putChunk(
          uploadUrl,
          bytes.subarray(first, last + 1),
          { first, last, total: bytes.length },
          item.mime,
        );
      } catch (error) {
        // Perhaps received: `locate` reads how many bytes TikTok holds before anything else.
        return fromError(error, `upload chunk ${index + 1} of ${plan.count}`);
      }
      if (put.status >= 300) {
        if (index === plan.count - 1 && put.status >= 500)
          return {
            state: 'unconfirmed',
            reason: `TikTok answered ${put.status} to the last chunk: the post may be on its way`,
          };
        // An incomplete upload is never published (it expires after an hour): a new one is safe.
        return {
          state: 'failed',
          reason: `TikTok refused chunk ${index + 1} of ${plan.count} (${put.status}${put.message ? `: ${put.message}` : ''})`,
          retry: put.status >= 500 || put.status === 429,
          kind: put.status >= 500 || put.status === 429 ? 'retry' : 'bad_body',
        };
      }
    }
    killPoint('tiktok:after-upload');
    return follow(credentials, publishId, false, budgetMs);
  }

  async function publishPhotos(
    credentials: TikTokStoredCredentials,
    request: PublishRequest,
    info: CreatorInfo,
    privacy: string,
  ): Promise<PublishOutcome> {
    const reason = unreachableMediaReason(options.publicUrl, options.apiRoot);
    if (reason) return { state: 'failed', reason: `TikTok: ${reason}`, retry: false, kind: 'bad_body' };
    if (request.mediaUrls.length !== request.post.media.length)
      return { state: 'failed', reason: 'TikTok needs each photo at a public address', retry: false };
    const text = postText(request.post);
    // Sent, perhaps acted on: until TikTok answers, `locate` cannot prove this post absent.
    await note(request.targetId, { createdAt: new Date().toISOString() });
    let init: TikTokAnswer;
    try {
      init = await api.call(credentials.accessToken, '/v2/post/publish/content/init/', 'the photo post', {
        post_info: {
          title: photoTitle(text),
          description: text,
          privacy_level: privacy,
          disable_comment: info.comment_disabled === true,
          auto_add_music: true,
        },
        source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: request.mediaUrls },
        post_mode: 'DIRECT_POST',
        media_type: 'PHOTO',
      });
    } catch (error) {
      if (error instanceof TikTokUnreachable)
        await note(request.targetId, { publishId: '', createdAt: new Date().toISOString() });
      return fromError(error, 'photo post');
    }
    const publishId = typeof init.data.publish_id === 'string' ? init.data.publish_id : '';
    if (init.code !== 'ok' || !publishId) {
      // Refused: nothing will be pulled, so the target is provably without a post.
      await note(request.targetId, { publishId: '', createdAt: new Date().toISOString() });
      return refusal(init, 'photo post');
    }
    await note(request.targetId, { publishId, createdAt: new Date().toISOString() });
    killPoint('tiktok:after-init');
    return follow(credentials, publishId, true, budgetMs);
  }

  return {
    platform: 'tiktok',
    rules: tiktokPostRules,
    notice: auditNotice(options.audited),
    account: createTikTokAccount(api, {
      clientKey: options.clientKey,
      clientSecret: options.clientSecret,
      audited: options.audited,
    }),

    async publish(request: PublishRequest): Promise<PublishOutcome> {
      let credentials: TikTokStoredCredentials;
      try {
        credentials = readTikTokCredentials(request.credentials);
      } catch (error) {
        return { state: 'failed', reason: (error as Error).message, retry: false, kind: 'disconnect' };
      }
      const creator = await creatorOrRefusal(credentials);
      if (!('info' in creator)) return creator;
      const privacy = privacyFor(creator.info, options.audited);
      if (!privacy)
        return {
          state: 'failed',
          reason: `TikTok offers this account none of the privacy levels Velvet may use (${creator.info.privacy_level_options.join(', ') || 'none'})`,
          retry: false,
          kind: 'bad_body',
        };
      const reopens = initSlot(credentials.openId);
      if (reopens)
        return {
          state: 'failed',
          reason: 'TikTok allows 6 posts per minute per account: Velvet waits for the next minute',
          retry: true,
          kind: 'retry',
          retryAt: reopens,
        };
      const video = request.post.media.some((m) => m.kind === 'video');
      return video
        ? publishVideo(credentials, request, creator.info, privacy)
        : publishPhotos(credentials, request, creator.info, privacy);
    },

    async status(stored: StoredCredentials, remoteId: string): Promise<PublishOutcome> {
      const credentials = readTikTokCredentials(stored);
      if (!remoteId.startsWith(PUBLISH)) {
        return { state: 'published', remoteId, url: postUrl(credentials.username, remoteId, false) };
      }
      const rest = remoteId.slice(PUBLISH.length);
      const photo = rest.startsWith('photo:');
      return statusOf(credentials, photo ? rest.slice('photo:'.length) : rest, photo);
    },

    /**
     * After a crash or a lost answer: the publish_id noted under the target is asked about.
     * No note: no init of this target was answered, so TikTok holds nothing that could post.
     * A cut upload (fewer bytes than the video) can never publish: absent too.
     */
    async locate(stored: StoredCredentials, targetId: string): Promise<LocateOutcome> {
      const credentials = readTikTokCredentials(stored);
      const noted = await recall(targetId);
      if (!noted) return { state: 'absent' };
      if (noted.publishId === '') return { state: 'absent' };
      if (noted.publishId === undefined)
        return {
          state: 'unconfirmed',
          reason:
            'TikTok did not answer the photo post and gives no way to look it up: check the TikTok app whether it is there',
        };
      let answer: TikTokAnswer;
      try {
        answer = await fetchStatus(credentials, noted.publishId);
      } catch (error) {
        return {
          state: 'unconfirmed',
          reason: `TikTok did not say whether the post is there: ${(error as Error).message}`,
        };
      }
      if (answer.code !== 'ok')
        return { state: 'unconfirmed', reason: `TikTok answered ${answer.code} when asked about the post` };
      const status = String(answer.data.status ?? '');
      const photo = noted.videoSize === undefined;
      if (status === 'FAILED') return { state: 'absent' };
      if (status === 'PROCESSING_UPLOAD' && noted.videoSize !== undefined) {
        const held = Number(answer.data.uploaded_bytes ?? 0);
        if (held < noted.videoSize) return { state: 'absent' };
      }
      return statusOf(credentials, noted.publishId, photo);
    },

    async metrics(stored: StoredCredentials, remoteId: string): Promise<PostMetrics> {
      const credentials = readTikTokCredentials(stored);
      if (remoteId.startsWith(PUBLISH))
        throw new Error('A private TikTok post has no public id: TikTok gives no counts for it');
      const answer = await api.call(
        credentials.accessToken,
        '/v2/video/query/?fields=id,like_count,comment_count,share_count,view_count',
        'the post metrics',
        { filters: { video_ids: [remoteId] } },
      );
      const videos = Array.isArray(answer.data.videos)
        ? (answer.data.videos as Record<string, unknown>[])
        : [];
      // Ids are int64 in TikTok's JSON: matched by position against the digits as written.
      const ids = [...answer.raw.matchAll(/"id"\s*:\s*"?(\d+)"?/g)].map((m) => m[1]);
      const video = videos[ids.indexOf(remoteId)];
      if (answer.code !== 'ok' || !video)
        throw new Error(`TikTok answered ${answer.code} for the post metrics`);
      const n = (key: string) => (typeof video[key] === 'number' ? (video[key] as number) : 0);
      return {
        likes: n('like_count'),
        comments: n('comment_count'),
        shares: n('share_count'),
        views: n('view_count'),
      };
    },
  };
}
