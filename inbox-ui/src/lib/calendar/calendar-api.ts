import { calendarResponse, postView } from '@velvet/shared/contract';
import { session } from '$lib/session.svelte';

export const calendarApi = {
  /** Posts placed between `from` and `to`, for one creator or all in the user's scope. */
  read: (q: { from: Date; to: Date; creatorId?: string; platform?: string }) => {
    const params = new URLSearchParams({ from: q.from.toISOString(), to: q.to.toISOString() });
    if (q.creatorId) params.set('creatorId', q.creatorId);
    if (q.platform) params.set('platform', q.platform);
    return session.request(calendarResponse, `/api/calendar?${params}`);
  },
  /** Moves some targets of a post to `at`; the hub refuses what already started publishing. */
  move: (postId: string, at: Date, timeZone: string, accountIds: string[]) =>
    session.request(postView, `/api/posts/${encodeURIComponent(postId)}/schedule`, {
      method: 'POST',
      body: { at: at.toISOString(), timeZone, accountIds },
    }),
};
