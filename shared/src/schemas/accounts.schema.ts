import { z } from 'zod';
import { PLATFORMS } from '../domain';

const secret = (label: string, min = 8) => z.string().trim().min(min, `must be a valid ${label}`).max(4096);

/** What each platform needs to connect; validated before anything is stored. */
export const credentialsByPlatform = {
  telegram: z.strictObject({
    botToken: z
      .string()
      .trim()
      .regex(/^\d{5,}:[A-Za-z0-9_-]{30,}$/, 'must be a bot token from @BotFather (123456:ABC…)'),
  }),
  discord: z.strictObject({
    botToken: secret('bot token', 50),
    applicationId: z.string().regex(/^\d{17,20}$/, 'must be a Discord application id'),
    publicKey: z.string().regex(/^[0-9a-f]{64}$/i, 'must be the 64-hex-digit public key'),
  }),
  fanvue: z.strictObject({
    accessToken: secret('access token'),
    webhookSecret: secret('webhook signing secret'),
  }),
  onlyfans: z.strictObject({
    apiKey: secret('API key'),
    providerAccountId: z.string().trim().min(1).max(200),
    webhookSecret: secret('webhook signing secret'),
  }),
  instagram: z.strictObject({
    accessToken: secret('access token'),
    igUserId: z.string().regex(/^\d+$/, 'must be the numeric Instagram user id'),
  }),
  tiktok: z.strictObject({
    accessToken: secret('access token'),
    openId: z.string().trim().min(1).max(200),
  }),
  x: z.strictObject({
    accessToken: secret('OAuth 2.0 user access token'),
    refreshToken: secret('refresh token').optional(),
  }),
  bluesky: z.strictObject({
    identifier: z.string().trim().min(3).max(253),
    appPassword: z
      .string()
      .regex(
        /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/,
        'must be an app password (xxxx-xxxx-xxxx-xxxx)',
      ),
  }),
  sandbox: z.strictObject({ token: secret('token', 1) }),
} satisfies Record<(typeof PLATFORMS)[number], z.ZodType>;

const settings = z.record(z.string().max(100), z.unknown()).default({});
const label = z.string().trim().max(120).default('');

export const createAccountBody = z.discriminatedUnion(
  'platform',
  PLATFORMS.map((platform) =>
    z.strictObject({
      platform: z.literal(platform),
      label,
      credentials: credentialsByPlatform[platform],
      settings,
    }),
  ) as unknown as [
    z.ZodObject<{ platform: z.ZodLiteral<'telegram'> }>,
    ...z.ZodObject<{ platform: z.ZodLiteral<(typeof PLATFORMS)[number]> }>[],
  ],
  { message: `platform must be one of ${PLATFORMS.join(', ')}` },
);

export type CreateAccountBody = {
  [P in (typeof PLATFORMS)[number]]: {
    platform: P;
    label: string;
    credentials: z.infer<(typeof credentialsByPlatform)[P]>;
    settings: Record<string, unknown>;
  };
}[(typeof PLATFORMS)[number]];

export const accountView = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  platform: z.enum(PLATFORMS),
  label: z.string(),
  status: z.string(),
  webhookUrl: z.string(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AccountView = z.infer<typeof accountView>;
