// Types only: the browser bundle must not pull the server-side shared package.
import type { PostUpdatePayload } from '@velvet/shared';
import { connectInbox, onResync } from '$lib/socket.svelte';

/**
 * Re-reads a publishing view when one of its posts changes (`post:update`: scheduled, moved,
 * published, failed, created or deleted, by anyone) and after a reconnection that lost
 * events. Changes arriving together are read once, `delayMs` after the first.
 */
export function followPostUpdates(
  concerns: (update: PostUpdatePayload) => boolean,
  reload: () => void,
  delayMs = 250,
): () => void {
  const socket = connectInbox();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listener = (update: PostUpdatePayload) => {
    if (!concerns(update) || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      reload();
    }, delayMs);
  };
  socket.on('post:update', listener);
  const stopResync = onResync(reload);
  return () => {
    clearTimeout(timer);
    socket.off('post:update', listener);
    stopResync();
  };
}
