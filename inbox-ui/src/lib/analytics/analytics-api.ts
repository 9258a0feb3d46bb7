import { z } from 'zod';
import {
  analyticsOverviewView,
  bestPostsView,
  bestTimesView,
  contentTypesView,
  hashtagsView,
  marketView,
} from '@velvet/shared/contract';
import type { ApiResult } from '$lib/api';
import { session } from '$lib/session.svelte';

/* The analytics page's calls, each answer parsed with the contract's schemas. */

export type AnalyticsOverview = z.output<typeof analyticsOverviewView>;
export type BestPosts = z.output<typeof bestPostsView>;
export type BestTimes = z.output<typeof bestTimesView>;
export type MarketSuggestion = z.output<typeof marketView>;

export interface AnalyticsFilter {
  /** Empty: the caller's whole scope (the consolidated page). */
  creatorId: string;
  /** Days back from now. */
  days: number;
}

function query(f: AnalyticsFilter, extra: Record<string, string> = {}): string {
  const to = new Date();
  const from = new Date(to.getTime() - f.days * 86_400_000);
  const params = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), ...extra });
  if (f.creatorId) params.set('creatorId', f.creatorId);
  return params.toString();
}

export const analyticsApi = {
  overview: (f: AnalyticsFilter) =>
    session.request(analyticsOverviewView, `/api/analytics/overview?${query(f)}`),
  bestPosts: (f: AnalyticsFilter) =>
    session.request(bestPostsView, `/api/analytics/best-posts?${query(f, { limit: '10' })}`),
  bestTimes: (f: AnalyticsFilter) => session.request(bestTimesView, `/api/analytics/best-times?${query(f)}`),
  hashtags: (f: AnalyticsFilter) => session.request(hashtagsView, `/api/analytics/hashtags?${query(f)}`),
  contentTypes: (f: AnalyticsFilter) =>
    session.request(contentTypesView, `/api/analytics/content-types?${query(f)}`),
  market: (f: AnalyticsFilter) => session.request(marketView, `/api/analytics/market?${query(f)}`),
  /** The window's posts as CSV, fetched with the session's token. */
  exportCsv: async (f: AnalyticsFilter): Promise<ApiResult<Blob>> => {
    const result = await session.fetch(`/api/analytics/export?${query(f)}`);
    return result.ok ? { ok: true, data: await result.data.blob() } : result;
  },
};

/** ISO weekday order for the heatmap's rows (Monday first), as the library's 0 = Sunday index. */
export const WEEK_ROWS = [1, 2, 3, 4, 5, 6, 0];

/** The polyline points of a series scaled into a width × height box (y grows downward). */
export function linePoints(values: readonly number[], width: number, height: number): string {
  if (!values.length) return '';
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - ((v - min) / span) * height).toFixed(1)}`)
    .join(' ');
}
