import path from 'node:path';
import { z } from 'zod';
import { redisUrlIssue } from '../redis/redis-url';
import { formatIssues } from './zod-issues';

const url = (protocols: string[]) =>
  z
    .url({ message: `must be a URL (${protocols.join(', ')})` })
    .refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** CONTRACT.md's environment table, validated once at startup. */
const envSchema = z
  .object({
    PORT: z.coerce
      .number({ message: 'must be a port number' })
      .int('must be an integer')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(8080),
    PUBLIC_URL: optionalString.pipe(url(['http', 'https']).optional()),
    DATA_DIR: z.string().min(1).default('./data'),
    /** Files operators upload; unset → DATA_DIR/media. */
    MEDIA_DIR: optionalString,
    DATABASE_URL: optionalString.pipe(url(['postgres', 'postgresql']).optional()),
    /** One Redis server, a master found through Sentinel, or a Cluster (see redis-url.ts for the forms). */
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .superRefine((value, ctx) => {
          const issue = redisUrlIssue(value);
          if (issue) ctx.addIssue({ code: 'custom', message: issue });
        })
        .optional(),
    ),
    /** May start with a hash tag (`{velvet}`) so that every key lands in one Cluster slot. */
    VELVET_REDIS_PREFIX: z
      .string()
      .regex(
        /^(\{[A-Za-z0-9:_-]{1,62}\})?[A-Za-z0-9:_-]{0,64}$/,
        'letters, digits, ":", "_" or "-" only, optionally starting with a {hash tag}',
      )
      .min(1)
      .max(66)
      .default('velvet'),
    OLLAMA_HOST: url(['http', 'https']).default('http://127.0.0.1:11434'),
    /**
     * Conversation memory: the Ollama embedding model (`/api/embed`) that turns past messages
     * and notes into vectors. Unset → no vector memory (drafts still get the fan's context).
     */
    OLLAMA_EMBED_MODEL: optionalString,
    /** The Chroma server of the vector memory; unset in the embedded shape → one started from node_modules. */
    CHROMA_URL: optionalString.pipe(url(['http', 'https']).optional()),
    /** How long a draft waits for recalled memories before it goes on without them. */
    MEMORY_TIMEOUT_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be an integer')
      .min(50, 'must be at least 50')
      .max(30_000, 'must be at most 30000')
      .default(1500),
    VELVET_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    VELVET_ADMIN_EMAIL: optionalString.pipe(z.email('must be an email address').optional()),
    VELVET_ADMIN_PASSWORD: optionalString.pipe(
      z.string().min(12, 'must be at least 12 characters').optional(),
    ),
    VELVET_CONFIG: z.string().min(1).default('config/velvet.yaml'),
    /**
     * Proxies whose X-Forwarded-For is believed (Express's `trust proxy`): a hop count, or
     * addresses, CIDRs and loopback/linklocal/uniquelocal, comma-separated. Unset: none, each
     * client is its own connection's address.
     */
    TRUST_PROXY: optionalString.pipe(
      z
        .string()
        .regex(
          /^(\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*)$/,
          'must be a hop count, or addresses/CIDRs/loopback separated by commas',
        )
        .optional(),
    ),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** A request slower than this is logged as a warning; others only at debug (5xx: always). */
    LOG_SLOW_REQUEST_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .default(1000),
    /** How often each hub looks for conversations waiting for a person to auto-assign. */
    VELVET_ASSIGN_SWEEP_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be an integer')
      .min(20, 'must be at least 20')
      .max(600_000, 'must be at most 600000')
      .default(3000),
    /**
     * This hub's name behind nginx: it prefixes every Engine.IO session id so nginx can send a
     * long-polling client's requests back to the hub holding its session (nginx.conf's map).
     */
    VELVET_HUB_ID: optionalString.pipe(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lowercase letters, digits and "-" only (at most 32)')
        .optional(),
    ),
    /**
     * Prometheus's scrape token for `GET /metrics` (`Authorization: Bearer …`): the token
     * itself (at least 32 characters) or only its digest, `sha256:<64 hex>`; two,
     * comma-separated, while rotating. Unset → only signed-in admins and managers.
     */
    METRICS_TOKEN: optionalString.pipe(
      z
        .string()
        .refine(
          (value) =>
            value
              .split(',')
              .every(
                (part) => /^sha256:[0-9a-f]{64}$/.test(part.trim()) || /^[^\s,]{32,}$/.test(part.trim()),
              ),
          'must be a token of at least 32 characters (no spaces or commas) or sha256:<64 hex digits>, two comma-separated while rotating',
        )
        .optional(),
    ),
    TELEGRAM_API_ROOT: url(['http', 'https']).default('https://api.telegram.org'),
    DISCORD_API_ROOT: url(['http', 'https']).default('https://discord.com/api'),
    FANVUE_API_ROOT: url(['http', 'https']).default('https://api.fanvue.com'),
    /** Fanvue's OAuth server (authorize and token endpoints live under it). */
    FANVUE_AUTH_ROOT: url(['http', 'https']).default('https://auth.fanvue.com'),
    /** The Fanvue app's OAuth client; unset → connecting Fanvue answers 503 saying so. */
    FANVUE_CLIENT_ID: optionalString,
    FANVUE_CLIENT_SECRET: optionalString,
    /** The app's webhook signing secret; two, comma-separated, while rotating it. */
    FANVUE_WEBHOOK_SECRET: optionalString,
    ONLYFANS_API_ROOT: url(['http', 'https']).default('https://app.onlyfansapi.com/api'),
    BLUESKY_SERVICE: url(['http', 'https']).default('https://bsky.social'),
    /** Bluesky's AppView: trending topics and post threads (public queries, no session). */
    BLUESKY_APPVIEW_ROOT: url(['http', 'https']).default('https://public.api.bsky.app'),
    X_API_ROOT: url(['http', 'https']).default('https://api.x.com'),
    /** X's consent page host (`/i/oauth2/authorize`); the token endpoint lives under X_API_ROOT. */
    X_AUTH_ROOT: url(['http', 'https']).default('https://x.com'),
    /** The X app's OAuth 2.0 client; unset → connecting X answers 503 saying so. No secret: a public client. */
    X_CLIENT_ID: optionalString,
    X_CLIENT_SECRET: optionalString,
    /** The X app's app-only bearer token: trends by location (unset → the composer says X trends are off). */
    X_BEARER_TOKEN: optionalString,
    INSTAGRAM_API_ROOT: url(['http', 'https']).default('https://graph.instagram.com'),
    TIKTOK_API_ROOT: url(['http', 'https']).default('https://open.tiktokapis.com'),
    /** TikTok's Login Kit consent page host (`/v2/auth/authorize/`); the token endpoint lives under TIKTOK_API_ROOT. */
    TIKTOK_AUTH_ROOT: url(['http', 'https']).default('https://www.tiktok.com'),
    /** The TikTok app's client key and secret; unset → connecting TikTok answers 503 saying so. */
    TIKTOK_CLIENT_KEY: optionalString,
    TIKTOK_CLIENT_SECRET: optionalString,
    /** Until TikTok audits the app, it may only post privately (SELF_ONLY): leave unset or false till then. */
    TIKTOK_APP_AUDITED: z
      .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
      .optional()
      .transform((value) => value === 'true' || value === '1'),
    /** Web push (VAPID) key pair, base64url; unset → derived from VELVET_SECRET. */
    VAPID_PUBLIC_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 public key (65 bytes)')
        .optional(),
    ),
    VAPID_PRIVATE_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url P-256 private key (32 bytes)')
        .optional(),
    ),
    /** Contact push services may use: a mailto: or https: URL. */
    VAPID_SUBJECT: optionalString.pipe(
      z
        .string()
        .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https:// URL')
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    // BullMQ runs multi-key scripts: on a Cluster every key of a queue must share a slot.
    if (env.REDIS_URL?.startsWith('redis+cluster://') && !env.VELVET_REDIS_PREFIX.startsWith('{')) {
      ctx.addIssue({
        code: 'custom',
        path: ['VELVET_REDIS_PREFIX'],
        message: 'must start with a hash tag such as {velvet} when REDIS_URL is a Redis Cluster',
      });
    }
    // Several processes would each start a Chroma of their own: the scaled shape names one.
    if (env.OLLAMA_EMBED_MODEL && !env.CHROMA_URL && env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHROMA_URL'],
        message:
          'must be set when OLLAMA_EMBED_MODEL is and REDIS_URL is (the scaled shape shares one Chroma)',
      });
    }
  });

export type Env = Omit<z.output<typeof envSchema>, 'PUBLIC_URL' | 'MEDIA_DIR'> & {
  PUBLIC_URL: string;
  MEDIA_DIR: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(`Invalid environment: ${formatIssues(parsed.error)}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(cwd, env.DATA_DIR);
  return {
    ...env,
    DATA_DIR: dataDir,
    MEDIA_DIR: env.MEDIA_DIR ? path.resolve(cwd, env.MEDIA_DIR) : path.join(dataDir, 'media'),
    VELVET_CONFIG: path.resolve(cwd, env.VELVET_CONFIG),
    PUBLIC_URL: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
  };
}
