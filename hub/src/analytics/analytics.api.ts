import {
  analyticsOverviewView,
  analyticsQuery,
  bestPostsQuery,
  bestPostsView,
  bestTimesView,
} from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const scope =
  'With `creatorId`, that creator (in the caller’s scope); without, the caller’s whole scope: every creator for admins, theirs for managers and models. The window defaults to the last 90 days; `400` when `from` is not before `to`.';

export const analyticsApi: ApiRoute[] = [
  {
    route: 'GET /api/analytics/overview',
    summary: 'Likes, comments, shares, views, engagement rate, follower growth and countries',
    description: `${scope} Engagement rate = (likes + comments) / views, named in \`engagementFormula\`.`,
    action: 'analytics:read',
    auth: 'bearer',
    errors: [400],
    query: analyticsQuery,
    responses: { 200: { description: 'The figures', schema: analyticsOverviewView } },
  },
  {
    route: 'GET /api/analytics/best-posts',
    summary: 'Posts ranked by 50% engagement + 30% reach + 20% conversions, with the breakdown',
    description: `${scope} Each part is min-max normalised within the creator and platform.`,
    action: 'analytics:read',
    auth: 'bearer',
    errors: [400],
    query: bestPostsQuery,
    responses: { 200: { description: 'The posts, best first', schema: bestPostsView } },
  },
  {
    route: 'GET /api/analytics/best-times',
    summary: 'Expected engagement rate by weekday × hour of publication (the heatmap)',
    description: `${scope} Hours are in each creator’s time zone; each cell’s mean is shrunk toward the overall mean.`,
    action: 'analytics:read',
    auth: 'bearer',
    errors: [400],
    query: analyticsQuery,
    responses: { 200: { description: 'The cells', schema: bestTimesView } },
  },
  {
    route: 'GET /api/analytics/export',
    summary: 'Every post of the window with its figures and score, as CSV',
    description: scope,
    action: 'analytics:read',
    auth: 'bearer',
    errors: [400],
    query: analyticsQuery,
    responses: { 200: { description: 'RFC 4180 CSV, best first', contentType: 'text/csv' } },
  },
];
