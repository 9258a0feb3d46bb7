import { z } from 'zod';
import type { Env } from '@velvet/shared';
import type { PlatformConnector, PlatformDescription } from './connector';
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
  /** What `GET /api/platforms` serves. */
  describe(): PlatformDescription[];
}

export function createConnectors(env: ConnectorEnv): Connectors {
  const byName = new Map<string, PlatformConnector>();
  for (const connector of FACTORIES.map((make) => make(env))) {
    byName.set(connector.platform, connector);
  }
  const descriptions = [...byName.values()].map((connector): PlatformDescription => ({
    platform: connector.platform,
    chat: true,
    publish: false,
    connect: connector.connectsWith,
    capabilities: connector.capabilities,
    credentials: z.toJSONSchema(connector.credentialsSchema, { io: 'input' }) as Record<string, unknown>,
  }));
  return {
    get: (platform) => byName.get(platform),
    list: () => [...byName.values()],
    describe: () => descriptions,
  };
}
