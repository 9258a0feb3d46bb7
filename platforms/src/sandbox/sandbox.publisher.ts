import { postText } from '@velvet/shared';
import type { Publisher } from '../publisher';
import { sandboxPostRules } from './sandbox.post-rules';

/** What the sandbox publisher needs: somewhere to keep its feed that every process sees. */
export interface SandboxFeedStore {
  rpush(key: string, value: string): Promise<number>;
  incr(key: string): Promise<number>;
}

/**
 * Publishing that stays inside Velvet: each publication is appended to the account's feed in
 * Redis (`<prefix>:sandbox:feed:<accountId>`) and counted per target
 * (`<prefix>:sandbox:published:<targetId>`), so trying the planner and the engine needs no
 * account anywhere, and a duplicate would be seen.
 */
export function createSandboxPublisher(redis: SandboxFeedStore, prefix: string): Publisher {
  return {
    platform: 'sandbox',
    rules: sandboxPostRules,
    async publish(request) {
      const { accountId } = request;
      const position = await redis.rpush(
        `${prefix}:sandbox:feed:${accountId}`,
        JSON.stringify({
          targetId: request.targetId,
          kind: request.post.kind,
          text: postText(request.post),
          media: request.post.media.length,
          at: new Date().toISOString(),
        }),
      );
      await redis.incr(`${prefix}:sandbox:published:${request.targetId}`);
      return { state: 'published', remoteId: `sandbox:${accountId}:${position}` };
    },
    async status(_credentials, remoteId) {
      return { state: 'published', remoteId };
    },
  };
}
