import type { PublishPlatform } from '@velvet/shared';
import type { Publisher } from './publisher';
import { createSandboxPublisher, type SandboxFeedStore } from './sandbox/sandbox.publisher';

export interface Publishers {
  /** The platform's publisher, or undefined while Velvet cannot publish there yet. */
  get(platform: string): Publisher | undefined;
}

/** Every platform Velvet publishes to. Adding one adds one line. */
export function createPublishers(deps: { redis: SandboxFeedStore; redisPrefix: string }): Publishers {
  const byName = new Map<PublishPlatform, Publisher>(
    [createSandboxPublisher(deps.redis, deps.redisPrefix)].map((p) => [p.platform, p]),
  );
  return { get: (platform) => byName.get(platform as PublishPlatform) };
}
