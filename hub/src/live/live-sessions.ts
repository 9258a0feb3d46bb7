import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { accountsRepo, messagesRepo, type AccountRecord } from '@velvet/shared';
import type { Connectors, LiveSession, PlatformConnector } from '@velvet/platforms';
import type { HubContext } from '../context';
import type { EventReceiver } from '../webhooks/receive';

/** A holder that stops renewing loses its bots this long after its last renewal. */
export const LIVE_LEASE_MS = 8_000;
/** Holders renew, and others look for free bots, this often: takeover within lease + tick. */
export const LIVE_TICK_MS = 2_000;

/** Renews the lease only if this process still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Keeps (or forgets, when empty) the resume point only while this process holds the lease. */
const SAVE_RESUME = `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('del', KEYS[2]) end
return redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3])`;
/** A resume point older than this is useless: the platform has ended that session. */
const RESUME_POINT_MS = 10 * 60_000;
/** Lets the lease go only if this process holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

type Why = 'disconnected' | 'new credentials' | 'lease lost' | 'shutting down';

interface Held {
  /** The sealed credentials it opened with: a reconnect with new ones reopens it. */
  credentialsEnc: string;
  session?: LiveSession;
  opening?: Promise<void>;
}

/**
 * Exactly one hub process holds each live bot connection (Discord's gateway): a Redis lease
 * per account, set only when free and renewed by its holder. When the holder dies its lease
 * expires and another process opens the connection; the connector then reads what came
 * meanwhile. Events are stored through the same receiver as webhooks.
 */
export function startLiveSessions(ctx: HubContext, deps: { connectors: Connectors; receive: EventReceiver }) {
  const live = deps.connectors.list().filter((c) => c.live);
  const me = `${hostname()}:${process.pid}:${randomUUID()}`;
  const held = new Map<string, Held>();
  const key = (accountId: string) => `${ctx.redisPrefix}:live:${accountId}`;
  const resumeKey = (accountId: string) => `${ctx.redisPrefix}:live:${accountId}:resume`;
  let stopped = false;
  let running: Promise<void> | undefined;

  async function open(account: AccountRecord, connector: PlatformConnector, entry: Held): Promise<void> {
    const credentials = ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc);
    const log = ctx.logger.child({ accountId: account.id, platform: account.platform });
    try {
      entry.session = await connector.live!.open(credentials, {
        receive: async (event) => {
          const fresh = await accountsRepo.findById(ctx.db, account.id);
          if (!fresh || fresh.status === 'disconnected') return;
          await deps.receive(fresh, connector, credentials, event);
        },
        lastSeen: () => messagesRepo.lastInboundPerChat(ctx.db, account.id),
        warn: (message, error) => log.warn({ err: error }, message),
        resumePoint: {
          load: async () => (await ctx.redis.get(resumeKey(account.id))) ?? undefined,
          save: async (value) => {
            await ctx.redis.eval(
              SAVE_RESUME,
              2,
              key(account.id),
              resumeKey(account.id),
              me,
              value ?? '',
              String(RESUME_POINT_MS),
            );
          },
        },
      });
      log.info('live connection held by this process');
      if (held.get(account.id) !== entry || stopped) {
        // Let go while it was opening: closed here, since close() waits for this very call.
        await entry.session.close({ handover: stopped }).catch(() => undefined);
        entry.session = undefined;
      }
    } catch (error) {
      log.warn({ err: error }, 'live connection failed; another try at the next tick');
      held.delete(account.id);
      await ctx.redis.eval(RELEASE, 1, key(account.id), me).catch(() => undefined);
    }
  }

  async function close(accountId: string, entry: Held, why: Why): Promise<void> {
    if (held.get(accountId) === entry) held.delete(accountId);
    ctx.logger.info({ accountId, why }, 'live connection let go by this process');
    await entry.opening;
    // Another process takes it on: the session stays resumable and nothing sent meanwhile is lost.
    const handover = why === 'shutting down' || why === 'lease lost';
    await entry.session
      ?.close({ handover })
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'closing a live connection'));
    entry.session = undefined;
    await ctx.redis.eval(RELEASE, 1, key(accountId), me).catch(() => undefined);
  }

  async function tick(): Promise<void> {
    const accounts = await accountsRepo.listConnected(
      ctx.db,
      live.map((c) => c.platform),
    );
    const wanted = new Set(accounts.map((a) => a.id));
    for (const [accountId, entry] of held)
      if (!wanted.has(accountId)) await close(accountId, entry, 'disconnected');
    for (const account of accounts) {
      if (stopped) return;
      const entry = held.get(account.id);
      if (entry && entry.credentialsEnc !== account.credentialsEnc) {
        await close(account.id, entry, 'new credentials');
        continue;
      }
      if (entry) {
        const renewed = await ctx.redis.eval(RENEW, 1, key(account.id), me, String(LIVE_LEASE_MS));
        // Lost (expired while this process stalled, taken by another): let it go at once.
        if (renewed !== 1) await close(account.id, entry, 'lease lost');
        continue;
      }
      const won = await ctx.redis.set(key(account.id), me, 'PX', LIVE_LEASE_MS, 'NX');
      if (won !== 'OK') continue;
      const connector = deps.connectors.get(account.platform)!;
      const fresh: Held = { credentialsEnc: account.credentialsEnc };
      held.set(account.id, fresh);
      fresh.opening = open(account, connector, fresh);
    }
  }

  const run = () => {
    if (running || stopped) return;
    running = tick()
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'live connections: tick failed'))
      .finally(() => (running = undefined));
  };
  const timer = live.length > 0 ? setInterval(run, LIVE_TICK_MS) : undefined;
  if (timer) run();

  return {
    /** Accounts whose live connection this process holds. */
    holding: () => [...held.keys()],
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      for (const [accountId, entry] of [...held]) await close(accountId, entry, 'shutting down');
    },
  };
}
