import { randomUUID } from 'node:crypto';
import {
  accountsRepo,
  auditRepo,
  PlatformError,
  Upstream,
  type AccountView,
  type Actor,
  type CreateAccountBody,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import { randomToken } from '../auth/tokens';
import type { CreatorsService } from '../creators/creators.service';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { ValidationFailed } from '../http/validate';
import { presentAccount } from './accounts.presenter';

interface Connected {
  credentials: Record<string, unknown>;
  settings: Record<string, unknown>;
  label: string;
}

export function createAccountsService(ctx: HubContext, creators: CreatorsService, connectors: Connectors) {
  const { db } = ctx;

  /** Checks the credentials with the platform and registers our webhook where the platform has one. */
  async function connect(accountId: string, body: CreateAccountBody): Promise<Connected> {
    const webhookUrl = `${ctx.env.PUBLIC_URL}/webhooks/${body.platform}/${accountId}`;
    if (body.platform !== 'telegram') {
      return { credentials: { ...body.credentials }, settings: body.settings, label: body.label };
    }
    // Telegram echoes this in X-Telegram-Bot-Api-Secret-Token on every webhook call.
    const credentials = { ...body.credentials, webhookSecret: randomToken(32) };
    try {
      const bot = await connectors.telegram.connect(credentials, { webhookUrl });
      return {
        credentials,
        settings: { ...body.settings, bot: { id: bot.botId, username: bot.username } },
        label: body.label || `@${bot.username}`,
      };
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'permanent') {
        throw new ValidationFailed([{ path: 'credentials.botToken', message: error.message }]);
      }
      ctx.logger.warn({ err: error }, 'telegram connect failed');
      throw new Upstream('Telegram could not be reached; try again in a moment');
    }
  }

  return {
    async create(actor: Actor, creatorId: string, body: CreateAccountBody): Promise<AccountView> {
      await creators.load(actor, creatorId, 'creator:read');
      authorize(actor, 'account:create', { creatorId });
      const id = randomUUID();
      const connected = await connect(id, body);
      const account = await accountsRepo.create(db, {
        id,
        creatorId,
        platform: body.platform,
        label: connected.label,
        credentialsEnc: ctx.secrets.credentials.sealJson(connected.credentials),
        settings: connected.settings,
      });
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'account.create',
        targetType: 'platform_account',
        targetId: account.id,
        data: { creatorId, platform: body.platform },
      });
      return presentAccount(account, ctx.env.PUBLIC_URL);
    },

    async list(actor: Actor, creatorId: string): Promise<AccountView[]> {
      await creators.load(actor, creatorId, 'creator:read');
      authorize(actor, 'account:read', { creatorId });
      const rows = await accountsRepo.listByCreator(db, creatorId);
      return rows.map((row) => presentAccount(row, ctx.env.PUBLIC_URL));
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
