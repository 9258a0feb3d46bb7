import type { PostContent } from '@velvet/shared';
import { describePublisher, startLossyProxy } from '../publisher-conformance';
import { createBlueskyPublisher } from './bluesky.publisher';
import { startLocalPds } from './bluesky.pds';

const text = (value: string): PostContent => ({ kind: 'text', text: value, hashtags: [], media: [] });

// A real PDS (`@atproto/dev-env`), behind a proxy that can lose the answer to `createRecord`.
describePublisher({
  name: 'bluesky (real local PDS)',
  async start() {
    const pds = await startLocalPds();
    const account = await pds.createAccount('conf');
    const proxy = await startLossyProxy(
      pds.url,
      (method, path) => method === 'POST' && path === '/xrpc/com.atproto.repo.createRecord',
    );
    const publisher = createBlueskyPublisher({ service: proxy.url });
    const connected = await publisher.account!.connect({
      identifier: account.handle,
      password: account.appPassword,
    });
    const credentials = connected.credentials;
    return {
      publisher,
      accountId: 'bluesky-conformance-account',
      credentials,
      validPost: (label) => text(`Nouvelle photo ce soir ✨ ${label}`),
      invalidPosts: [
        { name: 'too long', post: text('é'.repeat(301)), field: 'text' },
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
      count: async (marker) => (await pds.posts(account.did)).filter((p) => p.text.includes(marker)).length,
      loseNextAnswer: () => proxy.loseNext(),
      secrets: () => [
        account.appPassword,
        account.password,
        String(credentials.accessJwt),
        String(credentials.refreshJwt),
      ],
      async close() {
        await proxy.close();
        await pds.close();
      },
    };
  },
});
