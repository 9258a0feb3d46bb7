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
    summary: 'Best times to post: TensorFlow.js model vs shrunk baseline, the heatmap',
    description: `${scope} Hours are in each creator’s time zone. \`cells\`: the scope’s hour-of-week means shrunk toward the overall mean (ISO weekdays). \`platforms\`: per platform, a TensorFlow.js model and the shrunk baseline predict the latest 20% of posts; both held-out errors are given and the model’s heatmap and times are used only when it beats the baseline. \`model\` and \`heldOutError\` sum up the platform with the most posts. Trained results are kept 15 minutes.`,
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
