import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from './zod-issues';
import { ConfigError } from './env';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "15m" → 900000. */
export function parseDuration(value: string): number {
  const match = DURATION.exec(value);
  if (!match) throw new ConfigError(`"${value}" is not a duration like 30s, 15m, 1h or 30d`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const duration = z
  .string()
  .regex(DURATION, 'must be a duration like 30s, 15m, 1h or 30d')
  .transform(parseDuration);

const positiveInt = z.number().int().positive();

const model = z.strictObject({
  name: z.string().min(1),
  temperature: z.number().min(0).max(2),
  top_p: z.number().gt(0).max(1),
  max_tokens: positiveInt,
});

const velvetConfigSchema = z.strictObject({
  ollama: z.strictObject({
    keep_alive: z.string().regex(DURATION, 'must be a duration like 5m'),
    models: z.strictObject({ primary: model, sales: model, support: model }),
  }),
  prompts: z.strictObject({
    system_fr: z.string().min(1),
  }),
  platforms: z.strictObject({
    fanvue: z.strictObject({ messages_per_minute: positiveInt, messages_per_day: positiveInt }),
    onlyfans: z.strictObject({ messages_per_minute: positiveInt, messages_per_day: positiveInt }),
    telegram: z.strictObject({
      messages_per_second_per_chat: positiveInt,
      messages_per_second_per_bot: positiveInt,
    }),
  }),
  commands: z.record(
    z.string().regex(/^[a-z0-9_]{1,32}$/, 'command names are lower-case letters, digits or _'),
    z.strictObject({ fr: z.string().min(1), en: z.string().min(1) }),
  ),
  queues: z.strictObject({
    outbox_sweep_interval: duration,
    outbox_stale_after: duration,
    lock_duration: duration,
    outbound_concurrency: positiveInt,
    inbound_concurrency: positiveInt,
  }),
  auth: z.strictObject({
    access_token_ttl: duration,
    refresh_token_ttl: duration,
    login: z.strictObject({
      attempts_per_ip: positiveInt,
      ip_window: duration,
      failures_per_account: positiveInt,
      account_lockout: duration,
    }),
  }),
});

export type VelvetConfig = z.output<typeof velvetConfigSchema>;

export function parseVelvetConfig(text: string, source = 'velvet.yaml'): VelvetConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = velvetConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`Invalid ${source}: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function loadVelvetConfig(file: string): VelvetConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read VELVET_CONFIG file ${file}`);
  }
  return parseVelvetConfig(text, file);
}
