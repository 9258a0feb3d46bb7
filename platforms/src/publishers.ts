import type { Env, PublishPlatform } from '@velvet/shared';
import type { Publisher } from './publisher';
import { createBlueskyPublisher } from './bluesky/bluesky.publisher';
import { createXPublisher } from './x/x.publisher';
import { createInstagramPublisher, type InstagramStore } from './instagram/instagram.publisher';
import { createOnlyFansPublisher } from './onlyfans/onlyfans.publisher';
import { createTikTokPublisher } from './tiktok/tiktok.publisher';
import { createSandboxPublisher, type SandboxFeedStore } from './sandbox/sandbox.publisher';

export interface Publishers {
  /** The platform's publisher, or undefined while Velvet cannot publish there yet. */
  get(platform: string): Publisher | undefined;
  list(): readonly Publisher[];
}

export interface PublisherDeps {
  env: Pick<
    Env,
    | 'BLUESKY_SERVICE'
    | 'BLUESKY_APPVIEW_ROOT'
    | 'X_API_ROOT'
    | 'X_AUTH_ROOT'
    | 'X_CLIENT_ID'
    | 'X_CLIENT_SECRET'
    | 'X_BEARER_TOKEN'
    | 'INSTAGRAM_API_ROOT'
    | 'ONLYFANS_API_ROOT'
    | 'TIKTOK_API_ROOT'
    | 'TIKTOK_AUTH_ROOT'
    | 'TIKTOK_CLIENT_KEY'
    | 'TIKTOK_CLIENT_SECRET'
    | 'TIKTOK_APP_AUDITED'
    | 'PUBLIC_URL'
  >;
  redis: SandboxFeedStore & InstagramStore;
  redisPrefix: string;
}

/** Every platform Velvet publishes to, each pointed at its service. Adding one adds one line. */
const FACTORIES: ((deps: PublisherDeps) => Publisher)[] = [
  (deps) => createSandboxPublisher(deps.redis, deps.redisPrefix),
  (deps) =>
    createBlueskyPublisher({ service: deps.env.BLUESKY_SERVICE, appView: deps.env.BLUESKY_APPVIEW_ROOT }),
  ({ env }) =>
    createXPublisher({
      apiRoot: env.X_API_ROOT,
      authRoot: env.X_AUTH_ROOT,
      clientId: env.X_CLIENT_ID,
      clientSecret: env.X_CLIENT_SECRET,
      bearerToken: env.X_BEARER_TOKEN,
    }),
  (d) =>
    createInstagramPublisher({
      apiRoot: d.env.INSTAGRAM_API_ROOT,
      publicUrl: d.env.PUBLIC_URL,
      store: d.redis,
      prefix: d.redisPrefix,
    }),
  // The provider the OnlyFans chat connector uses, with the same stored credentials.
  ({ env }) => createOnlyFansPublisher({ apiRoot: env.ONLYFANS_API_ROOT }),
  (d) =>
    createTikTokPublisher({
      apiRoot: d.env.TIKTOK_API_ROOT,
      authRoot: d.env.TIKTOK_AUTH_ROOT,
      clientKey: d.env.TIKTOK_CLIENT_KEY,
      clientSecret: d.env.TIKTOK_CLIENT_SECRET,
      audited: d.env.TIKTOK_APP_AUDITED,
      publicUrl: d.env.PUBLIC_URL,
      store: d.redis,
      prefix: d.redisPrefix,
    }),
];

export function createPublishers(deps: PublisherDeps): Publishers {
  const byName = new Map<PublishPlatform, Publisher>(
    FACTORIES.map((make) => make(deps)).map((p) => [p.platform, p]),
  );
  return { get: (platform) => byName.get(platform as PublishPlatform), list: () => [...byName.values()] };
}
