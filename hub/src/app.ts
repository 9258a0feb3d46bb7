import { randomUUID } from 'node:crypto';
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
import { createAccountAttention, type InboxPublisher, type OutboxRelay, type Queues } from '@velvet/shared';
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
import { createPushService } from './push/push.service';
import { metricsRoutes } from './metrics/metrics.routes';
import { createMetricsService } from './metrics/metrics.service';
import { intentsRoutes } from './intents/intents.routes';
import { createIntentsService } from './intents/intents.service';
import type { HubContext } from './context';
import { attachmentsRoutes } from './conversations/attachments.routes';
import { createAttachmentsService } from './conversations/attachments.service';
import { conversationsRoutes } from './conversations/conversations.routes';
import type { ConversationsService } from './conversations/conversations.service';

import { createIngestService } from './webhooks/ingest.service';
import { webhooksRoutes } from './webhooks/webhooks.routes';
import { platformsRoutes } from './platforms/platforms.routes';
import { createPaymentsService } from './payments/payments.service';
import { paymentsWebhookRoutes } from './payments/payments.routes';
import { salesRoutes } from './sales/sales.routes';
import { createSalesService } from './sales/sales.service';
import { creatorsRoutes } from './creators/creators.routes';
import { createCreatorsService } from './creators/creators.service';
import { healthRoutes } from './health/health.routes';
import { requestLogLevel } from './logger';
import { errorMapper, notFound } from './http/errors';
import { refuseDeepBodies } from './http/validate';
import { createUsersService } from './users/users.service';
import { overviewRoutes } from './home/overview.routes';
import { createOverviewService } from './home/overview.service';
import { usersRoutes } from './users/users.routes';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface AppDeps {
  connectors: Connectors;
  queues: Queues;
  classifier: IntentClassifier;
  relay: OutboxRelay;
  publisher: InboxPublisher;
  conversations: ConversationsService;
  gate: SessionGate;
  access: AccessEvents;
  ui?: RequestHandler;
}

export function createApp(ctx: HubContext, deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  // Only proxies named in TRUST_PROXY may speak for the client's address (rate limits, audit);
  // otherwise a client could rotate X-Forwarded-For to dodge its per-address limit.
  app.set('trust proxy', trustProxy(ctx.env.TRUST_PROXY));

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
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
      },
    }),
  );
  // The UI sets its own Content-Security-Policy (SvelteKit hashes its inline bootstrap).
  app.use(helmet({ contentSecurityPolicy: false }));
  const payments = createPaymentsService(ctx, deps);
  app.use(paymentsWebhookRoutes(payments));
  app.use(
    webhooksRoutes(
      ctx,
      deps.connectors,
      createIngestService(ctx, deps),
      payments,
      createAccountAttention({ ...ctx, publisher: deps.publisher }),
    ),
  );
  app.use(express.json({ limit: '256kb' }), refuseDeepBodies);
  app.use(cookieParser());

  const authenticate = createAuthenticate(ctx, deps.gate);
  const limiter = new LoginLimiter(ctx.redis, ctx.redisPrefix, ctx.config.auth.login);
  const auth = createAuthService(ctx, limiter, deps.access);
  const creators = createCreatorsService(ctx, deps.access);

  app.use(healthRoutes(ctx));
  const accounts = createAccountsService(ctx, creators, deps.connectors);
  const oauth = createOAuthService(ctx, { connectors: deps.connectors, creators, accounts });
  app.use(oauthCallbackRoutes(oauth));

  const api = Router();
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
  api.use(draftsRoutes(createApprovalsService(ctx)));
  api.use(overviewRoutes(createOverviewService(ctx)));
  api.use(pushRoutes(createPushService(ctx)));
  const metrics = metricsRoutes(createMetricsService(ctx, deps.queues));
  api.use(metrics.api);
  api.use(notFound);
  app.use('/api', api);
  app.use('/metrics', authenticate, requirePasswordChanged, metrics.prometheus);

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
