import { activityPageResponse } from '@velvet/shared/contract';
import { session } from '$lib/session.svelte';

export interface ActivityFilters {
  creatorId?: string;
  actor?: string;
  action?: string;
  /** `YYYY-MM-DD`, local days: from the start of `from` to the end of `to`. */
  from?: string;
  to?: string;
}

function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}

export function activityQuery(filters: ActivityFilters, limit: number, cursor?: string | null): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.creatorId) params.set('creatorId', filters.creatorId);
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.action) params.set('action', filters.action);
  if (filters.from) params.set('from', dayStart(filters.from));
  if (filters.to) params.set('to', dayStart(filters.to, 1));
  if (cursor) params.set('cursor', cursor);
  return `/api/activity?${params}`;
}

export const activityApi = {
  page: (filters: ActivityFilters, limit: number, cursor?: string | null) =>
    session.request(activityPageResponse, activityQuery(filters, limit, cursor)),
};
