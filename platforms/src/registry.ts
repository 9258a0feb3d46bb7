import { z } from 'zod';
import type { Env, PublishPlatform } from '@velvet/shared';
import type { AccountConnector, PlatformConnector, PlatformDescription } from './connector';
import type { PublishProfile } from './publisher';
import type { Publishers } from './publishers';
import { PUBLISH_PROFILES } from './publishing/post-rules';
import { createDiscordConnector } from './discord/discord.connector';
import { createFanvueConnector } from './fanvue/fanvue.connector';
import { createOnlyFansConnector } from './onlyfans/onlyfans.connector';
import { createSandboxConnector } from './sandbox/sandbox.connector';
import { createTelegramConnector } from './telegram/telegram.connector';

type ConnectorEnv = Pick<
  Env,
  | 'TELEGRAM_API_ROOT'
  | 'DISCORD_API_ROOT'
  | 'ONLYFANS_API_ROOT'
  | 'FANVUE_API_ROOT'
  | 'FANVUE_AUTH_ROOT'
  | 'FANVUE_CLIENT_ID'
  | 'FANVUE_CLIENT_SECRET'
  | 'FANVUE_WEBHOOK_SECRET'
>;

/** Every chat platform Velvet speaks, each pointed at its `*_API_ROOT`. Adding one adds one line. */
const FACTORIES: ((env: ConnectorEnv) => PlatformConnector)[] = [
  (env) => createTelegramConnector({ apiRoot: env.TELEGRAM_API_ROOT }),
  (env) => createOnlyFansConnector({ apiRoot: env.ONLYFANS_API_ROOT }),
  (env) =>
    createFanvueConnector({
      apiRoot: env.FANVUE_API_ROOT,
      authRoot: env.FANVUE_AUTH_ROOT,
      ...(env.FANVUE_CLIENT_ID ? { clientId: env.FANVUE_CLIENT_ID } : {}),
      ...(env.FANVUE_CLIENT_SECRET ? { clientSecret: env.FANVUE_CLIENT_SECRET } : {}),
      ...(env.FANVUE_WEBHOOK_SECRET ? { webhookSecret: env.FANVUE_WEBHOOK_SECRET } : {}),
    }),
  (env) => createDiscordConnector({ apiRoot: env.DISCORD_API_ROOT }),
  () => createSandboxConnector(),
];

export interface Connectors {
  /** The platform's connector, or undefined when Velvet cannot speak it yet. */
  get(platform: string): PlatformConnector | undefined;
  list(): readonly PlatformConnector[];
  /**
   * How an account of the platform connects: its chat connector, else the account side of a
   * platform Velvet only publishes to (whose accounts no chat path ever sees: `get` ignores them).
   */
  account(platform: string): AccountConnector | undefined;
  /** Every platform an account can be connected to. */
  accounts(): readonly AccountConnector[];
  /** What `GET /api/platforms` serves. */
  describe(): PlatformDescription[];
}

/** `publishers`: the platforms Velvet publishes to, some of them with no chat side. */
export function createConnectors(env: ConnectorEnv, publishers?: Publishers): Connectors {
  const byName = new Map<string, PlatformConnector>();
  for (const connector of FACTORIES.map((make) => make(env))) {
    byName.set(connector.platform, connector);
  }
  const accounts = new Map<string, AccountConnector>(byName);
  for (const publisher of publishers?.list() ?? []) {
    const account = publisher.account;
    if (!account || accounts.has(publisher.platform)) continue;
    accounts.set(publisher.platform, {
      platform: publisher.platform,
      label: PUBLISH_PROFILES.get(publisher.platform)?.label ?? publisher.platform,
      connectsWith: account.connectsWith,
      credentialsSchema: account.credentialsSchema,
      connect: (credentials) => account.connect(credentials),
      disconnect: async (credentials) => account.disconnect?.(credentials),
      ...(account.check ? { check: account.check.bind(account) } : {}),
      ...(account.tokens ? { tokens: account.tokens } : {}),
      ...(account.oauth ? { oauth: account.oauth } : {}),
    });
  }
  const described = [...accounts.values()].map((account): PlatformDescription => {
    const chat = byName.get(account.platform);
    const profile = PUBLISH_PROFILES.get(account.platform as PublishPlatform);
    const notice = publishers?.get(account.platform)?.notice;
    return {
      platform: account.platform,
      label: account.label,
      chat: chat !== undefined,
      publish: publishers?.get(account.platform) !== undefined,
      connect: account.connectsWith,
      ...(chat
        ? {
            capabilities: chat.capabilities,
            webhooksFrom: chat.local ? ('this_machine' as const) : ('internet' as const),
          }
        : {}),
      credentials: z.toJSONSchema(account.credentialsSchema, { io: 'input' }) as Record<string, unknown>,
      ...(notice ? { notice } : {}),
      ...(profile ? { post: postData(profile) } : {}),
    };
  });
  // Platforms whose rules are known but whose accounts cannot be connected yet: named, not offered.
  const descriptions = [
    ...described,
    ...[...PUBLISH_PROFILES.values()]
      .filter((profile) => !accounts.has(profile.platform))
      .map((profile): PlatformDescription => ({
        platform: profile.platform,
        label: profile.label,
        chat: false,
        publish: publishers?.get(profile.platform) !== undefined,
        connect: 'none',
        post: postData(profile),
      })),
  ];
  return {
    get: (platform) => byName.get(platform),
    list: () => [...byName.values()],
    account: (platform) => accounts.get(platform),
    accounts: () => [...accounts.values()],
    describe: () => descriptions,
  };
}

/** What the UI may know of a platform's posting rules: the data, not the check itself. */
const postData = (profile: PublishProfile): NonNullable<PlatformDescription['post']> => ({
  text: profile.text,
  dailyReel: profile.dailyReel,
  defaultMix: profile.defaultMix,
});
