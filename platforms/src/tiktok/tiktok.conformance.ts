import type { PostContent } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import type { Publisher } from '../publisher';
import type { PublisherKit } from '../publisher-conformance';
import { createTikTokPublisher, type TikTokPublisherOptions, type TikTokStore } from './tiktok.publisher';
import { startTikTokStandin, type TikTokStandin, type TikTokStandinOptions } from './tiktok.standin';

export const TIKTOK_TEST_CLIENT = {
  clientKey: 'velvettiktoktestkey',
  clientSecret: 'velvet-tiktok-test-secret-0001',
};

/** A store with Redis's `get` / `set … EX` shape, in memory, for tests without Redis. */
export function memoryStore(): TikTokStore & { keys(): string[] } {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => {
      values.set(key, value);
      return 'OK';
    },
    keys: () => [...values.keys()],
  };
}

/** Connects through the publisher's OAuth flow as a browser would: consent page, code, exchange. */
export async function connectTikTok(
  publisher: Publisher,
  redirectUri = 'https://velvet.example/api/oauth/tiktok/callback',
) {
  const oauth = publisher.account!.oauth!;
  const state = 'state-for-the-test';
  const consent = await fetch(
    oauth.authorizeUrl({ state, codeChallenge: 'unused-by-tiktok-web', redirectUri }),
    {
      redirect: 'manual',
    },
  );
  const back = new URL(consent.headers.get('location') ?? '');
  if (back.searchParams.get('state') !== state) throw new Error('the consent page lost the state');
  return oauth.exchange({ code: back.searchParams.get('code') ?? '', codeVerifier: 'unused', redirectUri });
}

/** A TikTok stand-in, a publisher pointed at it, and an account connected by OAuth. */
export async function startTikTokPublisherFixture(
  standin: Partial<TikTokStandinOptions> = {},
  publisher: Partial<TikTokPublisherOptions> = {},
) {
  const tiktok: TikTokStandin = await startTikTokStandin({ ...TIKTOK_TEST_CLIENT, ...standin });
  const store = memoryStore();
  const made = createTikTokPublisher({
    apiRoot: tiktok.apiRoot,
    authRoot: tiktok.authRoot,
    ...TIKTOK_TEST_CLIENT,
    audited: standin.audited ?? false,
    publicUrl: 'https://velvet.example',
    store,
    prefix: 'test',
    timeoutMs: 5_000,
    sleep: () => Promise.resolve(),
    ...publisher,
  });
  const connected = await connectTikTok(made);
  return {
    tiktok,
    publisher: made,
    store,
    connected,
    credentials: connected.credentials as StoredCredentials,
  };
}

export const reel = (text: string, durationSeconds = 12): PostContent => ({
  kind: 'reel',
  text,
  hashtags: [],
  media: [{ kind: 'video', mime: 'video/mp4', bytes: 4096, durationSeconds }],
});

/** TikTok for the publisher conformance suite: reels, uploaded whole, published as soon as uploaded. */
export const tiktokPublisherKit: PublisherKit = {
  name: 'tiktok',
  async start() {
    const { tiktok, publisher, credentials } = await startTikTokPublisherFixture({
      processingPolls: 0,
      initsPerMinute: 100,
    });
    const video = Buffer.alloc(4096, 3);
    return {
      publisher,
      accountId: 'tiktok-conformance-account',
      credentials,
      validPost: (label) => reel(`Nouvelle vidéo ce soir ✨ ${label}`),
      invalidPosts: [
        { name: 'text alone', post: { kind: 'text', text: 'hello', hashtags: [], media: [] }, field: 'kind' },
        { name: 'caption too long', post: reel('é'.repeat(2201)), field: 'text' },
        { name: 'video too short', post: reel('court', 1), field: 'media' },
      ],
      media: { urls: [], read: async () => video },
      // Live, or fully uploaded (TikTok publishes it without another call).
      count: async (marker) =>
        tiktok.posts.filter(
          (p) => p.title.includes(marker) && p.status !== 'FAILED' && p.bytes.length === p.videoSize,
        ).length,
      loseNextAnswer: () => tiktok.failNext('upload', { processThenDrop: true }),
      secrets: () => [...tiktok.issued, TIKTOK_TEST_CLIENT.clientSecret],
      close: () => tiktok.close(),
    };
  },
};
