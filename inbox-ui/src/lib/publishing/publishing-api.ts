import { z } from 'zod';
import { accountView, creatorTrendsView, creatorView, mediaView, postView } from '@velvet/shared/contract';
import { badResponse, failure, networkFailure, readJson, type ApiResult } from '$lib/api';
import { session } from '$lib/session.svelte';

/* The content library's and the posts screens' calls to the hub, each answer parsed. */

export type MediaView = z.output<typeof mediaView>;
export type PostView = z.output<typeof postView>;
export type PostTarget = PostView['targets'][number];
export type CreatorView = z.output<typeof creatorView>;
export type AccountView = z.output<typeof accountView>;
export type CreatorTrends = z.output<typeof creatorTrendsView>;

const mediaPage = z.object({ items: z.array(mediaView), nextCursor: z.string().nullable() });
const postList = z.object({ posts: z.array(postView) });
const creators = z.object({ creators: z.array(creatorView) });
const accounts = z.object({ accounts: z.array(accountView) });
const nothing = z.undefined();
const id = (value: string) => encodeURIComponent(value);

/** What the editor sends: the post's fields (the server validates each). */
export interface PostFields {
  kind: PostView['kind'];
  text: string;
  hashtags: string[];
  mediaIds: string[];
  variants: Record<string, { text?: string; hashtags?: string[] }>;
  accountIds: string[];
}

/**
 * One file to the library with XMLHttpRequest, the only browser API that reports upload
 * progress; the token comes from the session like every other call.
 */
function sendFile(
  creatorId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<ApiResult<MediaView>> {
  return session.token().then(
    (token) =>
      new Promise((done) => {
        if (!token) return done({ ok: false, status: 401, code: 'unauthorized', message: '' });
        const form = new FormData();
        form.set('file', file, file.name);
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `/api/creators/${id(creatorId)}/media`);
        xhr.setRequestHeader('authorization', `Bearer ${token}`);
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        };
        xhr.onerror = () => done(networkFailure);
        xhr.onload = async () => {
          // The answer is read the same way fetch answers are, to share the error handling.
          const res = new Response(xhr.responseText || null, {
            status: xhr.status,
            headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' },
          });
          if (!res.ok) return done(await failure(res));
          const parsed = mediaView.safeParse(await readJson(res));
          done(parsed.success ? { ok: true, data: parsed.data } : badResponse(xhr.status));
        };
        xhr.send(form);
      }),
  );
}

export const publishingApi = {
  creators: () => session.request(creators, '/api/creators'),
  accounts: (creatorId: string) => session.request(accounts, `/api/creators/${id(creatorId)}/accounts`),

  media: (creatorId: string, cursor?: string) =>
    session.request(
      mediaPage,
      `/api/creators/${id(creatorId)}/media?limit=60${cursor ? `&cursor=${id(cursor)}` : ''}`,
    ),
  upload: sendFile,
  deleteMedia: (mediaId: string) =>
    session.request(nothing, `/api/media/${id(mediaId)}`, { method: 'DELETE' }),
  /** A file the route serves behind the Bearer token, as a blob to show. */
  blob: async (url: string): Promise<ApiResult<Blob>> => {
    const result = await session.fetch(url);
    return result.ok ? { ok: true, data: await result.data.blob() } : result;
  },

  posts: (creatorId: string) => session.request(postList, `/api/creators/${id(creatorId)}/posts?limit=200`),
  post: (postId: string) => session.request(postView, `/api/posts/${id(postId)}`),
  createPost: (creatorId: string, body: PostFields) =>
    session.request(postView, `/api/creators/${id(creatorId)}/posts`, { method: 'POST', body }),
  updatePost: (postId: string, body: Partial<PostFields> & { version: number }) =>
    session.request(postView, `/api/posts/${id(postId)}`, { method: 'PATCH', body }),
  deletePost: (postId: string) => session.request(nothing, `/api/posts/${id(postId)}`, { method: 'DELETE' }),
  schedule: (postId: string, body: { at: string; timeZone: string }) =>
    session.request(postView, `/api/posts/${id(postId)}/schedule`, { method: 'POST', body }),
  /** Trends where the creator publishes, and the creator's own hashtags (post editor). */
  trends: (creatorId: string) => session.request(creatorTrendsView, `/api/creators/${id(creatorId)}/trends`),
  unschedule: (postId: string) =>
    session.request(postView, `/api/posts/${id(postId)}/unschedule`, { method: 'POST', body: {} }),
};
