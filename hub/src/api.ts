import { accountsApi } from './accounts/accounts.api';
import { analyticsApi } from './analytics/analytics.api';
import { authApi } from './auth/auth.api';
import { backupApi } from './backup/backup.api';
import { conversationsApi } from './conversations/conversations.api';
import { creatorArchiveApi, creatorsApi } from './creators/creators.api';
import { overviewApi } from './home/overview.api';
import { passwordApi } from './auth/password.api';
import { draftsApi } from './drafts/drafts.api';
import { fansApi } from './fans/fans.api';
import { healthApi } from './health/health.api';
import { openApiApi } from './http/openapi.api';
import { buildOpenApiDocument, type ApiRoute, type OpenApiDocument } from './http/openapi';
import { intentsApi } from './intents/intents.api';
import { mediaApi } from './media/media.api';
import { postsApi } from './posts/posts.api';
import { trendsApi } from './trends/trends.api';
import { calendarApi } from './calendar/calendar.api';
import { plannerApi } from './planner/planner.api';
import { metricsApi } from './metrics/metrics.api';
import { paymentsApi } from './payments/payments.api';
import { platformsApi } from './platforms/platforms.api';
import { pushApi } from './push/push.api';
import { retentionApi } from './retention/retention.api';
import { packMediaApi, salesApi } from './sales/sales.api';
import { activityApi } from './activity/activity.api';
import { notificationsApi } from './notifications/notifications.api';
import { teamsApi } from './teams/teams.api';
import { savedRepliesApi } from './replies/saved-replies.api';
import { qualityApi } from './quality/quality.api';
import { satisfactionApi } from './satisfaction/satisfaction.api';
import { experimentsApi } from './experiments/experiments.api';
import { usersApi } from './users/users.api';
import { webhooksApi } from './webhooks/webhooks.api';

/** Bumped when a route changes meaning; added routes and fields keep it. */
export const API_VERSION = '1.0.0';

/**
 * Every route the app serves, as the API document lists it: one `*.api.ts` per module,
 * beside its `*.routes.ts`. A module with new routes adds its list here.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  ...healthApi,
  ...webhooksApi,
  ...paymentsApi,
  ...openApiApi,
  ...authApi,
  ...usersApi,
  ...creatorsApi,
  ...creatorArchiveApi,
  ...overviewApi,
  ...passwordApi,
  ...platformsApi,
  ...accountsApi,
  ...conversationsApi,
  ...intentsApi,
  ...fansApi,
  ...retentionApi,
  ...backupApi,
  ...salesApi,
  ...packMediaApi,
  ...mediaApi,
  ...postsApi,
  ...trendsApi,
  ...calendarApi,
  ...plannerApi,
  ...analyticsApi,
  ...draftsApi,
  ...pushApi,
  ...metricsApi,
  ...activityApi,
  ...notificationsApi,
  ...teamsApi,
  ...savedRepliesApi,
  ...qualityApi,
  ...satisfactionApi,
  ...experimentsApi,
];

let built: OpenApiDocument | undefined;

/** The document, built once per process (it depends on nothing but the code). */
export function openApiDocument(): OpenApiDocument {
  return (built ??= buildOpenApiDocument(API_ROUTES, API_VERSION));
}
