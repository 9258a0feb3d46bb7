import {
  accountsRepo,
  auditRepo,
  type AccountView,
  type Actor,
  type CreateAccountBody,
} from '@velvet/shared';
import { randomToken } from '../auth/tokens';
import type { CreatorsService } from '../creators/creators.service';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { presentAccount } from './accounts.presenter';

/** Telegram echoes this in X-Telegram-Bot-Api-Secret-Token on every webhook call. */
function withGeneratedSecrets(body: CreateAccountBody): Record<string, unknown> {
  if (body.platform === 'telegram') return { ...body.credentials, webhookSecret: randomToken(32) };
  return { ...body.credentials };
}

export function createAccountsService(ctx: HubContext, creators: CreatorsService) {
  const { db } = ctx;
  return {
    async create(actor: Actor, creatorId: string, body: CreateAccountBody): Promise<AccountView> {
      await creators.load(actor, creatorId, 'creator:read');
      authorize(actor, 'account:create', { creatorId });
      const account = await accountsRepo.create(db, {
        creatorId,
        platform: body.platform,
        label: body.label,
        credentialsEnc: ctx.secrets.credentials.sealJson(withGeneratedSecrets(body)),
        settings: body.settings,
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
