import { draftAbortChannel, type RedisClient } from '@velvet/shared';

/**
 * Running drafts by conversation, in this process. A newer fan message is published on a
 * Redis channel by whichever hub stored it; every worker aborts its streams for that
 * conversation.
 */
export class DraftAborts {
  readonly #running = new Map<string, Set<AbortController>>();
  readonly #sub: RedisClient;

  constructor(redis: RedisClient, prefix: string) {
    this.#sub = redis.duplicate();
    this.#sub.on('error', () => {});
    const channel = draftAbortChannel(prefix);
    void this.#sub.subscribe(channel);
    this.#sub.on('message', (from, conversationId: string) => {
      if (from === channel) this.abort(conversationId);
    });
  }

  register(conversationId: string): { signal: AbortSignal; release(): void } {
    const controller = new AbortController();
    const set = this.#running.get(conversationId) ?? new Set();
    set.add(controller);
    this.#running.set(conversationId, set);
    return {
      signal: controller.signal,
      release: () => {
        set.delete(controller);
        if (set.size === 0) this.#running.delete(conversationId);
      },
    };
  }

  abort(conversationId: string): void {
    for (const controller of this.#running.get(conversationId) ?? []) controller.abort();
  }

  close(): void {
    this.#sub.disconnect();
  }
}
