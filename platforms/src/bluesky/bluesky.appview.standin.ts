import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../standin-kit';

/*
 * A local stand-in for Bluesky's AppView (what `public.api.bsky.app` serves), for the
 * queries Velvet asks it, in their lexicons' wire format: `app.bsky.unspecced.getTrendingTopics`
 * (`{topics, suggested}` of `#trendingTopic`), `app.bsky.feed.getPostThread` (a
 * `#threadViewPost` whose replies are indexed from the real local PDS's repositories, so a
 * reply written there by another account shows under the post, with its real URI and CID),
 * `app.bsky.feed.getPosts` (`#postView`s whose like, repost, reply and quote counts are the
 * records of the indexed repositories) and `app.bsky.actor.getProfile` (`followersCount`: the
 * indexed repositories' follow records of that account).
 */

export interface TrendingTopicWire {
  topic: string;
  displayName?: string;
  description?: string;
  link: string;
}

export interface BlueskyAppViewStandin {
  /** BLUESKY_APPVIEW_ROOT. */
  url: string;
  topics: TrendingTopicWire[];
  /** Repositories on the PDS whose posts are indexed (a real AppView follows the firehose). */
  index(did: string, handle: string): void;
  calls: { nsid: string; at: number }[];
  /** The next trending-topics calls answer this status. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

interface PdsRecord {
  uri: string;
  cid: string;
  value: {
    text?: string;
    createdAt?: string;
    reply?: { parent?: { uri?: string } };
    /** A like's or repost's post (`{uri}`), or a follow's account (a DID). */
    subject?: { uri?: string } | string;
    embed?: { record?: { uri?: string } };
  };
}

export async function startBlueskyAppViewStandin(options: {
  /** The PDS the indexed repositories live on. */
  pds: string;
  topics?: TrendingTopicWire[];
}): Promise<BlueskyAppViewStandin> {
  const topics: TrendingTopicWire[] = options.topics ?? [];
  const repos = new Map<string, string>();
  const calls: BlueskyAppViewStandin['calls'] = [];
  let failures: number[] = [];

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const xrpcError = (res: ServerResponse, status: number, error: string, message: string) =>
    reply(res, status, { error, message });

  async function pds(nsid: string, params: Record<string, string>): Promise<unknown> {
    const response = await fetch(`${options.pds}/xrpc/${nsid}?${new URLSearchParams(params)}`);
    return response.ok ? ((await response.json()) as unknown) : undefined;
  }

  const view = (did: string, record: PdsRecord) => ({
    uri: record.uri,
    cid: record.cid,
    author: { did, handle: repos.get(did) ?? 'handle.invalid' },
    record: { $type: 'app.bsky.feed.post', ...record.value },
    replyCount: 0,
    repostCount: 0,
    likeCount: 0,
    indexedAt: record.value.createdAt ?? new Date().toISOString(),
  });

  /** Every record of a collection in the indexed repositories (what the firehose gave it). */
  async function indexed(collection: string): Promise<{ repo: string; record: PdsRecord }[]> {
    const all: { repo: string; record: PdsRecord }[] = [];
    for (const repo of repos.keys()) {
      const listed = (await pds('com.atproto.repo.listRecords', { repo, collection, limit: '100' })) as
        { records?: PdsRecord[] } | undefined;
      for (const record of listed?.records ?? []) all.push({ repo, record });
    }
    return all;
  }
  const subjectUri = (r: PdsRecord) =>
    typeof r.value.subject === 'object' ? r.value.subject.uri : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://standin');
    const nsid = url.pathname.replace(/^\/xrpc\//, '');
    calls.push({ nsid, at: Date.now() });
    if (nsid === 'app.bsky.unspecced.getTrendingTopics' && req.method === 'GET') {
      const status = failures.shift();
      if (status)
        return xrpcError(
          res,
          status,
          status === 429 ? 'RateLimitExceeded' : 'InternalServerError',
          'stand-in fault',
        );
      const limit = Number(url.searchParams.get('limit') ?? 10);
      if (!(limit >= 1 && limit <= 25))
        return xrpcError(res, 400, 'InvalidRequest', 'limit must be between 1 and 25');
      return reply(res, 200, { topics: topics.slice(0, limit), suggested: [] });
    }
    if (nsid === 'app.bsky.feed.getPostThread' && req.method === 'GET') {
      const uri = url.searchParams.get('uri') ?? '';
      const parts = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
      if (!parts) return xrpcError(res, 400, 'InvalidRequest', 'uri must be an at-uri of a post');
      const [, did, rkey] = parts as unknown as [string, string, string];
      const root = (await pds('com.atproto.repo.getRecord', {
        repo: did,
        collection: 'app.bsky.feed.post',
        rkey,
      })) as PdsRecord | undefined;
      if (!root) return xrpcError(res, 400, 'NotFound', `Post not found: ${uri}`);
      const replies = [];
      for (const repo of repos.keys()) {
        const listed = (await pds('com.atproto.repo.listRecords', {
          repo,
          collection: 'app.bsky.feed.post',
          limit: '100',
        })) as { records?: PdsRecord[] } | undefined;
        for (const record of listed?.records ?? [])
          if (record.value.reply?.parent?.uri === uri)
            replies.push({
              $type: 'app.bsky.feed.defs#threadViewPost',
              post: view(repo, record),
              replies: [],
            });
      }
      return reply(res, 200, {
        thread: { $type: 'app.bsky.feed.defs#threadViewPost', post: view(did, root), replies },
      });
    }
    if (nsid === 'app.bsky.feed.getPosts' && req.method === 'GET') {
      const uris = url.searchParams.getAll('uris');
      if (uris.length < 1 || uris.length > 25)
        return xrpcError(res, 400, 'InvalidRequest', 'uris must hold 1 to 25 at-uris');
      const [likes, reposts, posts] = await Promise.all([
        indexed('app.bsky.feed.like'),
        indexed('app.bsky.feed.repost'),
        indexed('app.bsky.feed.post'),
      ]);
      const views = [];
      for (const uri of uris) {
        const own = posts.find((p) => p.record.uri === uri);
        // Unknown or deleted posts are left out, as the AppView does.
        if (!own) continue;
        views.push({
          ...view(own.repo, own.record),
          likeCount: likes.filter((l) => subjectUri(l.record) === uri).length,
          repostCount: reposts.filter((r) => subjectUri(r.record) === uri).length,
          replyCount: posts.filter((p) => p.record.value.reply?.parent?.uri === uri).length,
          quoteCount: posts.filter((p) => p.record.value.embed?.record?.uri === uri).length,
        });
      }
      return reply(res, 200, { posts: views });
    }
    if (nsid === 'app.bsky.actor.getProfile' && req.method === 'GET') {
      const actor = url.searchParams.get('actor') ?? '';
      const did = repos.has(actor) ? actor : [...repos].find(([, handle]) => handle === actor)?.[0];
      if (!did) return xrpcError(res, 400, 'InvalidRequest', `Profile not found: ${actor}`);
      const follows = await indexed('app.bsky.graph.follow');
      return reply(res, 200, {
        did,
        handle: repos.get(did),
        followersCount: follows.filter((f) => f.record.value.subject === did).length,
        followsCount: follows.filter((f) => f.repo === did).length,
        postsCount: (await indexed('app.bsky.feed.post')).filter((p) => p.repo === did).length,
      });
    }
    return xrpcError(res, 501, 'MethodNotImplemented', `Method Not Implemented: ${nsid}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) xrpcError(res, 500, 'InternalServerError', 'Internal Server Error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    topics,
    index: (did, handle) => void repos.set(did, handle),
    calls,
    failNext(status, times = 1) {
      failures = [...failures, ...Array.from({ length: times }, () => status)];
    },
    close: () => closeServer(server),
  };
}
