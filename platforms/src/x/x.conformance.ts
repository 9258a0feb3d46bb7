import { createHash, randomBytes } from 'node:crypto';
import type { PostContent } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import type { Publisher } from '../publisher';
import type { PublisherKit } from '../publisher-conformance';
import { createXPublisher } from './x.publisher';
import { startXStandin, type XStandin, type XStandinOptions } from './x.standin';

export const X_TEST_CLIENT = { clientId: 'velvet-x-test-client', clientSecret: 'velvet-x-test-secret-0001' };

/** Connects through the publisher's OAuth flow as a browser would: consent page, code, exchange. */
export async function connectX(
  publisher: Publisher,
  redirectUri = 'http://127.0.0.1:1/api/oauth/x/callback',
) {
  const oauth = publisher.account!.oauth!;
  const verifier = randomBytes(48).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const consent = await fetch(
    oauth.authorizeUrl({
      state,
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      redirectUri,
    }),
    { redirect: 'manual' },
  );
  const back = new URL(consent.headers.get('location') ?? '');
  if (back.searchParams.get('state') !== state) throw new Error('the consent page lost the state');
  return oauth.exchange({ code: back.searchParams.get('code') ?? '', codeVerifier: verifier, redirectUri });
}

/** An X stand-in, a publisher pointed at it, and an account connected by OAuth. */
export async function startXPublisherFixture(options: Partial<XStandinOptions> = {}) {
  const x: XStandin = await startXStandin({ ...X_TEST_CLIENT, ...options });
  const publisher = createXPublisher({
    apiRoot: x.apiRoot,
    authRoot: x.authRoot,
    ...X_TEST_CLIENT,
    timeoutMs: 5_000,
    sleep: () => Promise.resolve(),
  });
  const connected = await connectX(publisher);
  return { x, publisher, connected, credentials: connected.credentials as StoredCredentials };
}

const text = (value: string): PostContent => ({ kind: 'text', text: value, hashtags: [], media: [] });

/** X for the publisher conformance suite. */
export const xPublisherKit: PublisherKit = {
  name: 'x',
  async start() {
    const { x, publisher, credentials } = await startXPublisherFixture();
    return {
      publisher,
      accountId: 'x-conformance-account',
      credentials,
      validPost: (label) => text(`Nouvelle vidéo ce soir ✨ ${label} https://example.com/a?b=1&c=2`),
      invalidPosts: [
        { name: 'too long', post: text('é'.repeat(281)), field: 'text' },
        { name: 'empty', post: text(''), field: 'text' },
        {
          name: 'five images',
          post: {
            kind: 'text_photo',
            text: 'five',
            hashtags: [],
            media: Array.from({ length: 5 }, () => ({
              kind: 'image' as const,
              mime: 'image/png',
              bytes: 1000,
            })),
          },
          field: 'media',
        },
      ],
      count: async (marker) => x.posts.filter((p) => p.text.includes(marker)).length,
      loseNextAnswer: () => x.failNext('tweets', { processThenDrop: true }),
      secrets: () => [...x.issued, X_TEST_CLIENT.clientSecret],
      close: () => x.close(),
    };
  },
};
