import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, growingCounts, readBody } from '../standin-kit';

/*
 * A local Instagram Graph API for tests: the content publishing calls Velvet makes, under an
 * optional `/vNN.N` prefix, with Meta's error envelope
 * `{"error":{"message","type","code","error_subcode","fbtrace_id"}}` and its `x-app-usage`
 * header. Like Meta, it fetches every image_url / video_url it is given (images while the
 * container is made, videos while it is IN_PROGRESS), so a bad address fails the container.
 */

export interface InstagramStandinMedia {
  id: string;
  igUserId: string;
  mediaType: 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  caption: string;
  permalink: string;
  timestamp: string;
  /** What Meta fetched for each item: its bytes count and content type. */
  items: { kind: 'image' | 'video'; bytes: number; contentType: string; altText?: string }[];
}

export interface InstagramStandinFetch {
  url: string;
  status: number;
}

export type InstagramFaultRoute = 'media' | 'media_publish' | 'content_publishing_limit';

export interface InstagramStandin {
  /** What INSTAGRAM_API_ROOT points at. */
  apiRoot: string;
  /** Published posts, oldest first. */
  posts: InstagramStandinMedia[];
  /** Every media address it fetched, with the answer it got. */
  fetches: InstagramStandinFetch[];
  /** Calls to `media_publish`, successful or not. */
  publishCalls: number;
  setQuota(igUserId: string, usage: number, total?: number): void;
  /** The token stops working (Meta's code 190), as an expired or revoked one does. */
  revoke(token: string): void;
  failNext(route: InstagramFaultRoute, error: GraphFault): void;
  close(): Promise<void>;
}

export interface GraphFault {
  status: number;
  code: number;
  subcode?: number;
  message: string;
  headers?: Record<string, string>;
}

interface Container {
  id: string;
  igUserId: string;
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';
  statusText?: string;
  kind: 'image' | 'video' | 'carousel';
  caption: string;
  items: InstagramStandinMedia['items'];
  children: string[];
  isCarouselItem: boolean;
}

export async function startInstagramStandin(options: {
  /** Access token → the Instagram professional account (id and username) it speaks for. */
  accounts: Record<string, { igUserId: string; username: string }>;
  /** How long a video stays IN_PROGRESS after it was fetched. */
  videoProcessingMs?: number;
}): Promise<InstagramStandin> {
  const tokens = new Map(Object.entries(options.accounts));
  const revoked = new Set<string>();
  const containers = new Map<string, Container>();
  const quota = new Map<string, { total: number; usageOffset: number }>();
  const faults = new Map<InstagramFaultRoute, GraphFault[]>();
  let nextId = 17_900_000_000_000_000n;
  const newId = () => String(nextId++);
  let calls = 0;

  const standin: InstagramStandin = {
    apiRoot: '',
    posts: [],
    fetches: [],
    publishCalls: 0,
    setQuota(igUserId, usage, total = 50) {
      const published = standin.posts.filter((p) => p.igUserId === igUserId).length;
      quota.set(igUserId, { total, usageOffset: usage - published });
    },
    revoke: (token) => revoked.add(token),
    failNext(route, error) {
      faults.set(route, [...(faults.get(route) ?? []), error]);
    },
    close: () => closeServer(server),
  };

  const usageOf = (igUserId: string) => {
    const q = quota.get(igUserId) ?? { total: 50, usageOffset: 0 };
    return {
      total: q.total,
      usage: q.usageOffset + standin.posts.filter((p) => p.igUserId === igUserId).length,
    };
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    calls += 1;
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'x-app-usage': JSON.stringify({
        call_count: Math.min(95, Math.floor(calls / 10)),
        total_cputime: 1,
        total_time: 1,
      }),
      ...headers,
    });
    res.end(JSON.stringify(body));
  }
  function fail(res: ServerResponse, fault: GraphFault) {
    send(
      res,
      fault.status,
      {
        error: {
          message: fault.message,
          type: fault.code === 190 ? 'OAuthException' : 'OAuthException',
          code: fault.code,
          ...(fault.subcode ? { error_subcode: fault.subcode } : {}),
          fbtrace_id: randomBytes(9).toString('base64url'),
        },
      },
      fault.headers,
    );
  }
  const takeFault = (route: InstagramFaultRoute) => faults.get(route)?.shift();
  /** Followers grow with the account's posts, so successive daily reads differ. */
  const followersOf = (igUserId: string) =>
    2400 + 37 * standin.posts.filter((p) => p.igUserId === igUserId).length;

  /** Meta cURLs the media: an answer other than 200 fails the container. */
  async function fetchMedia(
    url: string,
  ): Promise<{ ok: true; bytes: number; contentType: string } | { ok: false; status: number }> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      standin.fetches.push({ url, status: response.status });
      if (!response.ok) return { ok: false, status: response.status };
      const bytes = (await response.arrayBuffer()).byteLength;
      return { ok: true, bytes, contentType: response.headers.get('content-type') ?? '' };
    } catch {
      standin.fetches.push({ url, status: 0 });
      return { ok: false, status: 0 };
    }
  }

  async function createContainer(res: ServerResponse, igUserId: string, p: URLSearchParams) {
    const fault = takeFault('media');
    if (fault) return fail(res, fault);
    const caption = p.get('caption') ?? '';
    const isCarouselItem = p.get('is_carousel_item') === 'true';
    const mediaType = p.get('media_type');
    const id = newId();
    if (mediaType === 'CAROUSEL') {
      const children = (p.get('children') ?? '').split(',').filter(Boolean);
      const items = children.map((c) => containers.get(c));
      if (
        children.length < 2 ||
        children.length > 10 ||
        items.some((c) => !c || !c.isCarouselItem || c.igUserId !== igUserId)
      )
        return fail(res, {
          status: 400,
          code: 100,
          subcode: 2207035,
          message: 'Invalid parameter: children',
        });
      if (items.some((c) => c!.status !== 'FINISHED'))
        return fail(res, { status: 400, code: 9007, subcode: 2207027, message: 'Media ID is not available' });
      containers.set(id, {
        id,
        igUserId,
        status: 'FINISHED',
        kind: 'carousel',
        caption,
        children,
        isCarouselItem: false,
        items: items.flatMap((c) => c!.items),
      });
      return send(res, 200, { id });
    }
    const imageUrl = p.get('image_url');
    const videoUrl = p.get('video_url');
    if (videoUrl && (mediaType === 'REELS' || mediaType === 'VIDEO')) {
      const container: Container = {
        id,
        igUserId,
        status: 'IN_PROGRESS',
        kind: 'video',
        caption,
        items: [],
        children: [],
        isCarouselItem,
      };
      containers.set(id, container);
      void fetchMedia(videoUrl).then(async (got) => {
        await new Promise((r) => setTimeout(r, options.videoProcessingMs ?? 800));
        if (!got.ok) {
          container.status = 'ERROR';
          container.statusText = `2207026: the video could not be fetched (HTTP ${got.status})`;
          return;
        }
        container.items = [{ kind: 'video', bytes: got.bytes, contentType: got.contentType }];
        container.status = 'FINISHED';
      });
      return send(res, 200, { id });
    }
    if (imageUrl && !mediaType) {
      const got = await fetchMedia(imageUrl);
      if (!got.ok)
        return fail(res, {
          status: 400,
          code: 9004,
          subcode: 2207052,
          message: `Media download has failed.: The media could not be fetched from this URI: ${imageUrl}`,
        });
      const altText = p.get('alt_text') ?? undefined;
      containers.set(id, {
        id,
        igUserId,
        status: 'FINISHED',
        kind: 'image',
        caption,
        children: [],
        isCarouselItem,
        items: [
          { kind: 'image', bytes: got.bytes, contentType: got.contentType, ...(altText ? { altText } : {}) },
        ],
      });
      return send(res, 200, { id });
    }
    return fail(res, { status: 400, code: 100, message: 'The parameter image_url or video_url is required' });
  }

  function publish(res: ServerResponse, igUserId: string, p: URLSearchParams) {
    standin.publishCalls += 1;
    const fault = takeFault('media_publish');
    if (fault) return fail(res, fault);
    const container = containers.get(p.get('creation_id') ?? '');
    if (!container || container.igUserId !== igUserId || container.isCarouselItem)
      return fail(res, {
        status: 400,
        code: 100,
        subcode: 33,
        message: 'Unsupported post request. Object does not exist',
      });
    if (container.status !== 'FINISHED')
      return fail(res, { status: 400, code: 9007, subcode: 2207027, message: 'Media ID is not available' });
    const { usage, total } = usageOf(igUserId);
    if (usage >= total)
      return fail(res, {
        status: 400,
        code: 9,
        subcode: 2207042,
        message:
          'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
      });
    const id = newId();
    container.status = 'PUBLISHED';
    standin.posts.push({
      id,
      igUserId,
      mediaType:
        container.kind === 'carousel' ? 'CAROUSEL_ALBUM' : container.kind === 'video' ? 'VIDEO' : 'IMAGE',
      caption: container.caption,
      permalink: `https://www.instagram.com/p/${Buffer.from(id).toString('base64url').slice(0, 11)}/`,
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
      items: container.items,
    });
    send(res, 200, { id });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://standin');
    const raw = (await readBody(req)).toString('utf8');
    const params = new URLSearchParams(url.search);
    if (req.headers['content-type']?.includes('application/x-www-form-urlencoded'))
      for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
    const parts = url.pathname.split('/').filter(Boolean);
    if (/^v\d+\.\d+$/.test(parts[0] ?? '')) parts.shift();

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? params.get('access_token') ?? '';
    if (parts[0] === 'refresh_access_token') {
      if (params.get('grant_type') !== 'ig_refresh_token')
        return fail(res, { status: 400, code: 100, message: 'Invalid grant_type' });
      const who = tokens.get(token);
      if (!who || revoked.has(token))
        return fail(res, {
          status: 400,
          code: 190,
          message: 'Error validating access token: Session has expired',
        });
      const fresh = `IGAA${randomBytes(24).toString('base64url')}`;
      tokens.set(fresh, who);
      revoked.add(token);
      return send(res, 200, { access_token: fresh, token_type: 'bearer', expires_in: 5_184_000 });
    }
    const who = tokens.get(token);
    if (!who || revoked.has(token))
      return fail(res, {
        status: 400,
        code: 190,
        subcode: 463,
        message: 'Error validating access token: Session has expired',
      });

    const [node, edge] = parts;
    const userMismatch = () =>
      fail(res, {
        status: 400,
        code: 100,
        subcode: 33,
        message: `Unsupported get request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      });
    if (req.method === 'GET' && node && !edge) {
      if (node === who.igUserId || node === 'me')
        return send(res, 200, {
          id: who.igUserId,
          username: who.username,
          ...(params.get('fields')?.includes('followers_count')
            ? { followers_count: followersOf(who.igUserId) }
            : {}),
        });
      const container = containers.get(node);
      if (container && container.igUserId === who.igUserId)
        return send(res, 200, {
          id: container.id,
          status_code: container.status,
          ...(container.statusText ? { status: container.statusText } : {}),
        });
      const media = standin.posts.find((p) => p.id === node && p.igUserId === who.igUserId);
      if (media)
        return send(res, 200, {
          id: media.id,
          permalink: media.permalink,
          caption: media.caption,
          media_type: media.mediaType,
          timestamp: media.timestamp,
        });
      return userMismatch();
    }
    if (req.method === 'GET' && edge === 'insights' && node !== who.igUserId) {
      const media = standin.posts.find((p) => p.id === node && p.igUserId === who.igUserId);
      if (!media) return userMismatch();
      const counts = growingCounts(media.id, Date.now() - Date.parse(media.timestamp.replace('+0000', 'Z')), {
        likes: 40,
        comments: 6,
        shares: 3,
        saved: 5,
        reach: 600,
        views: 900,
      });
      const wanted = (params.get('metric') ?? '').split(',').filter(Boolean);
      const unknown = wanted.find((m) => !(m in counts));
      if (!wanted.length || unknown)
        return fail(res, {
          status: 400,
          code: 100,
          message: `(#100) metric[0] must be one of the following values: ${Object.keys(counts).join(', ')}`,
        });
      return send(res, 200, {
        data: wanted.map((name) => ({
          name,
          period: 'lifetime',
          values: [{ value: counts[name as keyof typeof counts] }],
          title: name,
          description: name,
          id: `${media.id}/insights/${name}/lifetime`,
        })),
      });
    }
    if (node !== who.igUserId) return userMismatch();
    if (req.method === 'GET' && edge === 'insights') {
      if (params.get('metric') !== 'follower_demographics' || params.get('breakdown') !== 'country')
        return fail(res, { status: 400, code: 100, message: '(#100) Unsupported insights request' });
      const followers = followersOf(node);
      const split: [string, number][] = [
        ['FR', 0.62],
        ['US', 0.25],
        ['BE', 0.08],
        ['CA', 0.05],
      ];
      return send(res, 200, {
        data: [
          {
            name: 'follower_demographics',
            period: 'lifetime',
            title: 'Follower demographics',
            description:
              'The demographic characteristics of followers, including countries, cities and gender distribution.',
            total_value: {
              breakdowns: [
                {
                  dimension_keys: ['country'],
                  results: split.map(([country, share]) => ({
                    dimension_values: [country],
                    value: Math.round(followers * share),
                  })),
                },
              ],
            },
            id: `${node}/insights/follower_demographics/lifetime`,
          },
        ],
      });
    }
    if (req.method === 'GET' && edge === 'content_publishing_limit') {
      const fault = takeFault('content_publishing_limit');
      if (fault) return fail(res, fault);
      const { usage, total } = usageOf(node);
      return send(res, 200, {
        data: [{ quota_usage: usage, config: { quota_total: total, quota_duration: 86400 } }],
      });
    }
    if (req.method === 'GET' && edge === 'media') {
      const mine = standin.posts.filter((p) => p.igUserId === node).reverse();
      return send(res, 200, {
        data: mine.slice(0, Number(params.get('limit') ?? 25)).map((m) => ({
          id: m.id,
          caption: m.caption,
          permalink: m.permalink,
          timestamp: m.timestamp,
          media_type: m.mediaType,
        })),
        paging: {},
      });
    }
    if (req.method === 'POST' && edge === 'media') return createContainer(res, node, params);
    if (req.method === 'POST' && edge === 'media_publish') return publish(res, node, params);
    return fail(res, { status: 400, code: 100, message: 'Unknown path components' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) fail(res, { status: 500, code: 2, message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standin.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standin;
}
