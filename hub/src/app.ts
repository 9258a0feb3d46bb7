import cookieParser from 'cookie-parser';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { accountsRoutes } from './accounts/accounts.routes';
import { createAccountsService } from './accounts/accounts.service';
import { oauthCallbackRoutes, oauthStartRoutes } from './accounts/oauth.routes';
import { createOAuthService } from './accounts/oauth.service';
import { authRoutes } from './auth/auth.routes';
import { createAuthService } from './auth/auth.service';
import { createAuthenticate, requirePasswordChanged } from './auth/authenticate';
import { passwordRoutes } from './auth/password.routes';
import { createPasswordService } from './auth/password.service';
import { LoginLimiter } from './auth/login-limiter';
import type { AccessEvents, SessionGate } from './auth/session-gate';
import { type InboxPublisher, type OutboxRelay, type Queues } from '@velvet/shared';
import type { IntentClassifier } from '@velvet/llm';
import type { Connectors } from '@velvet/platforms';
import { fansRoutes } from './fans/fans.routes';
import { fanRightsRoutes } from './fans/fan-rights.routes';
import { createFanRightsService } from './fans/fan-rights.service';
import { retentionRoutes } from './retention/retention.routes';
import { backupRoutes } from './backup/backup.routes';
import { createApprovalsService } from './drafts/approvals.service';
import { draftsRoutes } from './drafts/drafts.routes';
import { pushRoutes } from './push/push.routes';
import { activityRoutes } from './activity/activity.routes';
import { createActivityService } from './activity/activity.service';
import { notificationsRoutes } from './notifications/notifications.routes';
import { createNotificationsService } from './notifications/notifications.service';
import { createPushService } from './push/push.service';
import { metricsRoutes } from './metrics/metrics.routes';
import { createMetricsService } from './metrics/metrics.service';
import { metricsAuth } from './metrics/scrape-token';
import { intentsRoutes } from './intents/intents.routes';
import { createIntentsService } from './intents/intents.service';
import type { HubContext } from './context';
import { attachmentsRoutes } from './conversations/attachments.routes';
import { mediaRoutes } from './media/media.routes';
import { createMediaService } from './media/media.service';
import { localMediaStore } from '@velvet/shared';
import { publicMediaRoutes } from './media/public-media.routes';
import { postsRoutes } from './posts/posts.routes';
import { trendsRoutes } from './trends/trends.routes';
import { createTrendsService } from './trends/trends.service';
import { calendarRoutes } from './calendar/calendar.routes';
import { createCalendarService } from './calendar/calendar.service';
import { createPostsService } from './posts/posts.service';
import { plannerRoutes } from './planner/planner.routes';
import { analyticsRoutes } from './analytics/analytics.routes';
import { createAnalyticsService } from './analytics/analytics.service';
import { createPlannerService } from './planner/planner.service';
import { createAttachmentsService } from './conversations/attachments.service';
import { conversationsRoutes } from './conversations/conversations.routes';
import type { ConversationsService } from './conversations/conversations.service';

import type { AccountCache } from './webhooks/account-cache';
import { webhooksRoutes, type WebhookHandler } from './webhooks/webhooks.routes';
import { platformsRoutes } from './platforms/platforms.routes';
import type { PaymentsService } from './payments/payments.service';
import { paymentsWebhookRoutes } from './payments/payments.routes';
import { packMediaRoutes } from './sales/pack-media.routes';
import { createPackMediaService } from './sales/pack-media.service';
import { salesRoutes } from './sales/sales.routes';
import { createSalesService } from './sales/sales.service';
import { creatorsRoutes } from './creators/creators.routes';
import { createCreatorsService } from './creators/creators.service';
import { healthRoutes } from './health/health.routes';
import { quietRequestLog, requestId, requestLogLevel, serializeError } from './logger';
import { openApiDocument } from './api';
import { errorMapper, notFound } from './http/errors';
import { openApiRoutes } from './http/openapi.routes';
import { refuseDeepBodies } from './http/validate';
import { createUsersService } from './users/users.service';
import { overviewRoutes } from './home/overview.routes';
import { createOverviewService } from './home/overview.service';
import { usersRoutes } from './users/users.routes';
import { teamsRoutes } from './teams/teams.routes';
import { savedRepliesRoutes } from './replies/saved-replies.routes';
import { qualityRoutes } from './quality/quality.routes';
import { createQualityService } from './quality/quality.service';
import { satisfactionRoutes } from './satisfaction/satisfaction.routes';
import { createSatisfactionService } from './satisfaction/satisfaction.service';
import { experimentsRoutes } from './experiments/experiments.routes';
import { createExperimentsService } from './experiments/experiments.service';
import { createSavedRepliesService } from './replies/saved-replies.service';
import { createTeamsService } from './teams/teams.service';
import type { Assigner } from './teams/assignment';
import type { Presence } from './teams/presence';

export interface AppDeps {
  connectors: Connectors;
  queues: Queues;
  classifier: IntentClassifier;
  relay: OutboxRelay;
  publisher: InboxPublisher;
  conversations: ConversationsService;
  gate: SessionGate;
  access: AccessEvents;
  payments: PaymentsService;
  /** Authenticates and stores one platform webhook call (the lean route's fallback). */
  webhooks: WebhookHandler;
  /** Webhook accounts with their opened credentials, briefly cached. */
  webhookAccounts: AccountCache;
  /** Auto-assignment: who has an inbox open, and the passes that hand conversations out. */
  presence: Presence;
  assigner: Assigner;
  ui?: RequestHandler;
}

/**
 * The security headers on every answer. The UI sets its own Content-Security-Policy
 * (SvelteKit hashes its inline bootstrap).
 */
export const securityHeaders = (): RequestHandler => helmet({ contentSecurityPolicy: false });

export function createApp(ctx: HubContext, deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  // Only proxies named in TRUST_PROXY may speak for the client's address (rate limits, audit);
  // otherwise a client could rotate X-Forwarded-For to dodge its per-address limit.
  app.set('trust proxy', trustProxy(ctx.env.TRUST_PROXY));

  app.use(securityHeaders());
  // Platform webhooks, the hot path: the security headers above and a request log that
  // costs nothing unless the answer is an error or slow, not the API's per-request logger.
  app.use('/webhooks', quietRequestLog(ctx.logger, ctx.env.LOG_SLOW_REQUEST_MS));
  app.use(paymentsWebhookRoutes(deps.payments));
  app.use(webhooksRoutes(deps.webhooks));
  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const id = requestId(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: requestLogLevel(ctx.env.LOG_SLOW_REQUEST_MS),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          // An OAuth callback's query carries the platform's authorization code: not for logs.
          url: req.url.includes('/oauth/') ? req.url.split('?')[0] : req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
    }),
  );
  app.use(express.json({ limit: '256kb' }), refuseDeepBodies);
  app.use(cookieParser());

  const authenticate = createAuthenticate(ctx, deps.gate);
  const limiter = new LoginLimiter(ctx.redis, ctx.redisPrefix, ctx.config.auth.login);
  const auth = createAuthService(ctx, limiter, deps.access);
  const creators = createCreatorsService(ctx, deps.access, {
    archived: (creatorId) => deps.conversations.retireArchived(creatorId),
  });

  app.use(healthRoutes(ctx));
  app.use(publicMediaRoutes(ctx, localMediaStore(ctx.env.MEDIA_DIR)));
  const accounts = createAccountsService(
    ctx,
    creators,
    deps.connectors,
    deps.webhookAccounts,
    deps.publisher,
  );
  const oauth = createOAuthService(ctx, { connectors: deps.connectors, creators, accounts });
  app.use(oauthCallbackRoutes(oauth));

  const api = Router();
  api.use(openApiRoutes(openApiDocument));
  api.use(authRoutes(ctx, auth, authenticate));
  api.use(authenticate, requirePasswordChanged);
  api.use(passwordRoutes(createPasswordService(ctx, limiter, deps.access)));
  api.use(usersRoutes(createUsersService(ctx, deps.access)));
  api.use(creatorsRoutes(creators));
  api.use(platformsRoutes(deps.connectors));
  api.use(accountsRoutes(accounts));
  api.use(oauthStartRoutes(oauth));
  api.use(conversationsRoutes(deps.conversations));
  api.use(attachmentsRoutes(createAttachmentsService(ctx, deps)));
  api.use(intentsRoutes(createIntentsService(ctx, deps)));
  api.use(fansRoutes(ctx));
  api.use(fanRightsRoutes(createFanRightsService(ctx, deps)));
  api.use(retentionRoutes(ctx));
  api.use(backupRoutes(ctx));
  api.use(salesRoutes(createSalesService(ctx, deps)));
  api.use(mediaRoutes(createMediaService(ctx, localMediaStore(ctx.env.MEDIA_DIR))));
  const posts = createPostsService(ctx, { relay: deps.relay, publisher: deps.publisher });
  api.use(postsRoutes(posts));
  const trends = createTrendsService(ctx);
  api.use(trendsRoutes(trends));
  const analytics = createAnalyticsService(ctx, { trends });
  api.use(plannerRoutes(createPlannerService(ctx, { posts, analytics })));
  api.use(calendarRoutes(createCalendarService(ctx)));
  api.use(analyticsRoutes(analytics));
  api.use(packMediaRoutes(createPackMediaService(ctx)));
  api.use(draftsRoutes(createApprovalsService(ctx)));
  api.use(overviewRoutes(createOverviewService(ctx)));
  api.use(pushRoutes(createPushService(ctx)));
  api.use(activityRoutes(createActivityService(ctx)));
  api.use(notificationsRoutes(createNotificationsService(ctx, deps)));
  api.use(
    teamsRoutes(
      createTeamsService(ctx, {
        presence: deps.presence,
        assigner: deps.assigner,
        publisher: deps.publisher,
      }),
    ),
  );
  api.use(savedRepliesRoutes(createSavedRepliesService(ctx)));
  api.use(qualityRoutes(createQualityService(ctx)));
  api.use(satisfactionRoutes(createSatisfactionService(ctx)));
  api.use(experimentsRoutes(createExperimentsService(ctx)));
  const metrics = metricsRoutes(createMetricsService(ctx, deps.queues));
  api.use(metrics.api);
  api.use(notFound);
  app.use('/api', api);
  app.use('/metrics', metricsAuth(ctx, authenticate), metrics.prometheus);

  if (deps.ui) app.use(deps.ui);
  app.use(notFound);
  app.use(errorMapper);
  return app;
}

function trustProxy(setting: string | undefined): boolean | number | string[] {
  if (!setting) return false;
  if (/^\d+$/.test(setting)) return Number(setting);
  return setting.split(',').map((part) => part.trim());
}
