import type { PostContent } from '@velvet/shared';
import type { PublisherKit } from '../publisher-conformance';
import { createOnlyFansPublisher } from './onlyfans.publisher';
import { startOnlyFansStandin } from './onlyfans.standin';

export const OF_PUBLISH_KEY = 'ofapi_publisher_key_0123456789abcdef';
export const OF_PUBLISH_ACCOUNT = 'acct_publisher01';
const SECRET = 'publisher-webhook-signing-secret-0001';

/** The OnlyFansAPI.com stand-in, a publisher pointed at it, and the account's stored credentials. */
export async function startOnlyFansPublisherFixture(timeoutMs = 2_000) {
  const of = await startOnlyFansStandin({
    keys: { [OF_PUBLISH_KEY]: [OF_PUBLISH_ACCOUNT] },
    usernames: { [OF_PUBLISH_ACCOUNT]: 'lina_of' },
  });
  const publisher = createOnlyFansPublisher({ apiRoot: of.apiRoot, timeoutMs });
  const credentials = { apiKey: OF_PUBLISH_KEY, accountId: OF_PUBLISH_ACCOUNT, webhookSecret: SECRET };
  return { of, publisher, credentials };
}

const text = (value: string): PostContent => ({ kind: 'text', text: value, hashtags: [], media: [] });

/** OnlyFans (through the provider) for the publisher conformance suite. */
export const onlyfansPublisherKit: PublisherKit = {
  name: 'onlyfans',
  async start() {
    const { of, publisher, credentials } = await startOnlyFansPublisherFixture();
    return {
      publisher,
      accountId: 'onlyfans-conformance-account',
      credentials,
      validPost: (label) => text(`Nouveau set ce soir ✨ ${label} <3 & plus`),
      invalidPosts: [
        { name: 'empty', post: text('  '), field: 'text' },
        {
          name: 'text + photo without a photo',
          post: { kind: 'text_photo', text: 'sans photo', hashtags: [], media: [] },
          field: 'media',
        },
      ],
      count: async (marker) => of.posts.filter((p) => p.text.includes(marker)).length,
      loseNextAnswer: () => of.failNext('post', { processThenClose: true }),
      secrets: () => [OF_PUBLISH_KEY, SECRET],
      close: () => of.close(),
    };
  },
};
