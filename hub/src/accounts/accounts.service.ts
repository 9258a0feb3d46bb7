import { randomUUID } from 'node:crypto';
import {
  accountsRepo,
  auditRepo,
  createAccountAttention,
  createCredentialsKeeper,
  type AccountCheckView,
  type InboxPublisher,
  Conflict,
  NotFound,
  PlatformError,
  Upstream,
  type AccountRecord,
  type AccountView,
  type Actor,
  type Platform,
  type CreateAccountBody,
  type ReconnectAccountBody,
  type UpdateAccountBody,
} from '@velvet/shared';
import {
  CredentialsRejected,
  type AccountConnector,
  type ConnectionCheck,
  type ConnectResult,
  type Connectors,
} from '@velvet/platforms';
import type { AccountCache } from '../webhooks/account-cache';
import type { CreatorsService } from '../creators/creators.service';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { parseBody, ValidationFailed } from '../http/validate';
import { presentAccount } from './accounts.presenter';

export function createAccountsService(
  ctx: HubContext,
  creators: CreatorsService,
  connectors: Connectors,
  webhookAccounts: Pick<AccountCache, 'forget'>,
  publisher: InboxPublisher,
) {
  const { db } = ctx;
  const needsAttention = createAccountAttention({ ...ctx, publisher });
  // A connection test refreshes expiring tokens the way sends do: one process at a time.
  const keeper = createCredentialsKeeper({ ...ctx, needsAttention });

  /** Every change to an account goes through here: the webhooks' cached copy is dropped on every hub. */
  async function save(id: string, patch: Parameters<typeof accountsRepo.update>[2]) {
    const updated = await accountsRepo.update(db, id, patch);
    await webhookAccounts.forget(id);
    return updated;
  }

  /** The platform's chat connector, or the account side of a platform Velvet only publishes to. */
  function connectorFor(platform: string): AccountConnector {
    const connector = connectors.account(platform);
    if (!connector) {
      const available = connectors
        .accounts()
        .map((c) => c.platform)
        .join(', ');
      throw new ValidationFailed([
        { path: 'platform', message: `${platform} cannot be connected yet (available: ${available})` },
      ]);
    }
    return connector;
  }

  /** Checks the credentials with the platform and registers our webhook there. */
  async function connect(connector: AccountConnector, accountId: string, typed: Record<string, unknown>) {
    const credentials = parseBody(connector.credentialsSchema, typed, 'credentials');
    try {
      return await connector.connect(credentials, {
        webhookUrl: webhookUrlOf(connector.platform, accountId),
        commands: ctx.config.command_menu,
      });
    } catch (error) {
      if (error instanceof CredentialsRejected) {
        throw new ValidationFailed([{ path: `credentials.${error.field}`, message: error.message }]);
      }
      ctx.logger.warn({ err: error, platform: connector.platform }, 'connecting an account failed');
      throw new Upstream(`${connector.platform} could not be reached; try again in a moment`);
    }
  }

  async function loadForUpdate(actor: Actor, accountId: string): Promise<AccountRecord> {
    const account = await accountsRepo.findById(db, accountId);
    if (!account) throw new NotFound('Account');
    await creators.load(actor, account.creatorId, 'creator:read');
    authorize(actor, 'account:update', { creatorId: account.creatorId });
    return account;
  }

  async function audit(actorId: string, action: string, account: AccountRecord) {
    await auditRepo.record(db, {
      actorId,
      action,
      creatorId: account.creatorId,
      targetType: 'platform_account',
      targetId: account.id,
      data: { creatorId: account.creatorId, platform: account.platform },
    });
  }

  /** Asks the platform, turning "could not reach it" into an answer rather than an error. */
  async function ask(account: AccountRecord, connector: AccountConnector): Promise<ConnectionCheck> {
    try {
      const credentials = await keeper.open(account, connector.tokens);
      return await connector.check!(credentials, {
        webhookUrl: webhookUrlOf(connector.platform, account.id),
      });
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'reconnect_required') {
        return { ok: false, problem: error.message, reconnect: true };
      }
      ctx.logger.warn(
        { err: error, accountId: account.id },
        'the connection test did not reach the platform',
      );
      const reason = error instanceof PlatformError ? error.message : 'no answer';
      return {
        ok: false,
        problem: `${account.platform} could not be reached (${reason}); nothing was changed, try again in a moment`,
        reconnect: false,
      };
    }
  }

  function webhookUrlOf(platform: string, accountId: string): string {
    return `${ctx.env.PUBLIC_URL}/webhooks/${platform}/${accountId}`;
  }

  return {
    /**
     * Tests the connection with the platform. A refusal of the credentials puts the account in
     * "needs attention" (one alert); a passing test of such an account makes it active again.
     */
    async check(actor: Actor, accountId: string): Promise<AccountCheckView> {
      const account = await loadForUpdate(actor, accountId);
      if (account.status === 'disconnected') {
        throw new Conflict('The account is disconnected: reconnect it, then test it');
      }
      const connector = connectors.account(account.platform);
      if (!connector?.check) throw new Conflict(`${account.platform} offers no way to test a connection`);
      const result = await ask(account, connector);
      let current = account;
      if (result.ok && account.status === 'needs_attention') {
        current = (await save(account.id, { status: 'active' })) ?? account;
      } else if (!result.ok && result.reconnect) {
        await needsAttention(account, { reason: result.problem });
        current = (await accountsRepo.findById(db, account.id)) ?? account;
      }
      await auditRepo.record(db, {
        actorId: actor.id,
        action: 'account.check',
        creatorId: account.creatorId,
        targetType: 'platform_account',
        targetId: account.id,
        data: {
          creatorId: account.creatorId,
          platform: account.platform,
          ok: result.ok,
          ...(result.ok ? {} : { problem: result.problem }),
        },
      });
      const reason = !result.ok && current.status === 'needs_attention' ? result.problem : null;
      return {
        ok: result.ok,
        ...(result.ok ? {} : { problem: result.problem, reconnect: result.reconnect }),
        checkedAt: ctx.now().toISOString(),
        account: presentAccount(current, ctx.env.PUBLIC_URL, reason),
      };
    },

    async create(actor: Actor, creatorId: string, body: CreateAccountBody): Promise<AccountView> {
      await creators.load(actor, creatorId, 'creator:read');
      authorize(actor, 'account:create', { creatorId });
      const connector = connectorFor(body.platform);
      const id = randomUUID();
      const connected = await connect(connector, id, body.credentials);
      const account = await accountsRepo.create(db, {
        id,
        creatorId,
        platform: body.platform,
        label: body.label || connected.label,
        credentialsEnc: ctx.secrets.credentials.sealJson(connected.credentials),
        settings: { ...body.settings, ...connected.settings, ...identityOf(connected) },
      });
      await audit(actor.id, 'account.create', account);
      return presentAccount(account, ctx.env.PUBLIC_URL);
    },

    async list(actor: Actor, creatorId: string): Promise<AccountView[]> {
      await creators.load(actor, creatorId, 'creator:read');
      authorize(actor, 'account:read', { creatorId });
      const rows = await accountsRepo.listByCreator(db, creatorId);
      const attention = await auditRepo.latestFor(
        db,
        'account.needs_attention',
        rows.filter((row) => row.status === 'needs_attention').map((row) => row.id),
      );
      return rows.map((row) => {
        const reason = attention.get(row.id)?.data.reason;
        return presentAccount(row, ctx.env.PUBLIC_URL, typeof reason === 'string' ? reason : null);
      });
    },

    /**
     * Stops the platform's deliveries (its webhook removed) and wipes the credentials;
     * fans, conversations and messages stay. A platform that cannot be reached does not
     * keep the account connected here: the operator is told to revoke it there too.
     */
    async disconnect(actor: Actor, accountId: string): Promise<AccountView & { warning?: string }> {
      const account = await loadForUpdate(actor, accountId);
      if (account.status === 'disconnected') return presentAccount(account, ctx.env.PUBLIC_URL);
      const connector = connectors.account(account.platform);
      let warning: string | undefined;
      try {
        await connector?.disconnect(ctx.secrets.credentials.openJson(account.credentialsEnc));
      } catch (error) {
        const reason = error instanceof PlatformError ? error.message : 'unreachable';
        ctx.logger.warn({ err: error, accountId }, 'the platform did not confirm the disconnection');
        warning = `${account.platform} did not confirm (${reason}); revoke the access there as well`;
      }
      const updated = await save(account.id, {
        status: 'disconnected',
        credentialsEnc: ctx.secrets.credentials.sealJson({}),
      });
      await audit(actor.id, 'account.disconnect', account);
      return { ...presentAccount(updated!, ctx.env.PUBLIC_URL), ...(warning ? { warning } : {}) };
    },

    async update(actor: Actor, accountId: string, body: UpdateAccountBody): Promise<AccountView> {
      const account = await loadForUpdate(actor, accountId);
      const updated = await save(account.id, {
        ...(body.label !== undefined ? { label: body.label } : {}),
        ...(body.groups !== undefined ? { settings: { ...account.settings, groups: body.groups } } : {}),
      });
      await audit(actor.id, 'account.update', account);
      return presentAccount(updated!, ctx.env.PUBLIC_URL);
    },

    /**
     * Where an OAuth redirect lands: the account named when the flow started, else the
     * creator's account for the same platform identity (its fans carry on), else a new one.
     * The person who started the flow was authorized then; `actorId` is kept for the audit.
     */
    async saveOAuthConnection(
      actorId: string,
      target: {
        creatorId: string;
        platform: Platform;
        label?: string | undefined;
        accountId?: string | undefined;
      },
      connected: ConnectResult,
    ): Promise<AccountView> {
      const siblings = await accountsRepo.listByCreator(db, target.creatorId);
      const existing = target.accountId
        ? siblings.find((a) => a.id === target.accountId && a.platform === target.platform)
        : siblings.find(
            (a) =>
              a.platform === target.platform &&
              connected.identity !== undefined &&
              a.settings.platformAccountId === connected.identity,
          );
      if (target.accountId && !existing) throw new NotFound('Account');
      if (
        existing?.settings.platformAccountId !== undefined &&
        existing.settings.platformAccountId !== connected.identity
      ) {
        throw new Conflict(
          'This login belongs to another account on the platform; connect it as a new account',
        );
      }
      const settings = {
        ...connected.settings,
        ...(connected.identity ? { platformAccountId: connected.identity } : {}),
      };
      const sealed = ctx.secrets.credentials.sealJson(connected.credentials);
      const account = existing
        ? await save(existing.id, {
            status: 'active',
            credentialsEnc: sealed,
            settings: { ...existing.settings, ...settings },
            ...(target.label ? { label: target.label } : {}),
          })
        : await accountsRepo.create(db, {
            creatorId: target.creatorId,
            platform: target.platform,
            label: target.label || connected.label,
            credentialsEnc: sealed,
            settings,
          });
      await audit(actorId, existing ? 'account.reconnect' : 'account.create', account!);
      return presentAccount(account!, ctx.env.PUBLIC_URL);
    },

    /** New credentials for the same account: its fans and history carry on. */
    async reconnect(actor: Actor, accountId: string, body: ReconnectAccountBody): Promise<AccountView> {
      const account = await loadForUpdate(actor, accountId);
      const connector = connectorFor(account.platform);
      const connected = await connect(connector, account.id, body.credentials);
      const identity = (settings: Record<string, unknown>) => JSON.stringify(settings.bot ?? null);
      const known = account.settings.platformAccountId;
      // Another bot (or profile) would inherit this one's fans and posts: a new account is the way for it.
      if (
        (account.settings.bot &&
          connected.settings.bot &&
          identity(account.settings) !== identity(connected.settings)) ||
        (known !== undefined && connected.identity !== undefined && known !== connected.identity)
      ) {
        await connector.disconnect(connected.credentials).catch(() => undefined);
        throw new Conflict(
          'These credentials belong to another account on the platform; connect it as a new account',
        );
      }
      const updated = await save(account.id, {
        status: 'active',
        credentialsEnc: ctx.secrets.credentials.sealJson(connected.credentials),
        settings: { ...account.settings, ...connected.settings, ...identityOf(connected) },
      });
      await audit(actor.id, 'account.reconnect', account);
      return presentAccount(updated!, ctx.env.PUBLIC_URL);
    },
  };
}

/** The platform's own id for the account, kept so a reconnect cannot swap it for another. */
function identityOf(connected: ConnectResult): { platformAccountId?: string } {
  return connected.identity ? { platformAccountId: connected.identity } : {};
}

export type AccountsService = ReturnType<typeof createAccountsService>;
