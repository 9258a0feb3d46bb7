import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from './zod-issues';
import { ConfigError } from './env';
import { INTENTS, PACK_TYPES, PLATFORMS, SEND_POLICIES } from '../domain';

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

const bilingual = z.strictObject({ fr: z.string().min(1), en: z.string().min(1) });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 23:00');
export const quietWindow = z.strictObject({ start: clock, end: clock });

const model = z.strictObject({
  name: z.string().min(1),
  temperature: z.number().min(0).max(2),
  top_p: z.number().gt(0).max(1),
  max_tokens: positiveInt,
});

const velvetConfigSchema = z.strictObject({
  ollama: z.strictObject({
    keep_alive: z.string().regex(DURATION, 'must be a duration like 5m'),
    parallel: positiveInt,
    timeouts: z.strictObject({ first_token: duration, idle: duration, total: duration }),
    models: z.strictObject({ primary: model, sales: model, support: model }),
  }),
  prompts: z.strictObject({
    system_fr: z.string().min(1),
    context_fr: z.string().min(1),
  }),
  drafting: z.strictObject({
    history: positiveInt,
    /** The fan's context block (profile, purchases, offers, notes, memories), in estimated tokens. */
    context_tokens: positiveInt.default(600),
    /** Memories recalled into the prompt when vector memory is on. */
    recall: z.number().int().min(0).max(20).default(3),
    max_length: positiveInt,
    intents: z.partialRecord(
      z.enum(INTENTS),
      z.strictObject({
        model: z.enum(['primary', 'sales', 'support']),
        prompt: z.string().min(1),
        fallback: bilingual,
        /** Present the creator's pack of this type: an offer row, its facts in the prompt, then payment. */
        offer_pack: z.enum(PACK_TYPES).optional(),
        /** Give the model the whole active catalog (names and prices) without making an offer. */
        catalog: z.boolean().optional(),
      }),
    ),
  }),
  alerts: z.strictObject({
    response_time: duration,
    response_time_window: duration,
    check_every: duration,
    /** Purchases ÷ offers below `below` over `window` (with at least `min_offers`) alerts supervisors. */
    conversion: z.strictObject({
      below: z.number().min(0).max(1),
      window: duration,
      min_offers: positiveInt,
    }),
    /**
     * At `at` (each platform's market time) the workers look whether tomorrow has its
     * reel/short where the planner owes one, every `check_every`; one alert per day and platform.
     */
    reel_missing: z
      .strictObject({ at: clock, check_every: duration })
      .default({ at: '18:00', check_every: 15 * 60_000 }),
  }),
  /**
   * Inspiration and interactions: trends are kept `trends_cache` before a platform is asked
   * again (at most `trends_calls_per_window` calls per platform in `trends_window`); auto-like
   * (opt-in per creator) looks for friendly replies every `auto_like_every`.
   */
  interactions: z
    .strictObject({
      trends_cache: duration,
      trends_window: duration,
      trends_calls_per_window: positiveInt,
      auto_like_every: duration,
    })
    .default({
      trends_cache: 10 * 60_000,
      trends_window: 15 * 60_000,
      trends_calls_per_window: 30,
      auto_like_every: 10 * 60_000,
    }),
  sales: z.strictObject({
    /** How long an offer (and its payment link or invoice) stays valid. */
    offer_ttl: duration,
    /** Stars (XTR) per 1.00 of a pack's currency, when the pack sets no Stars price. */
    stars_per_unit: z.number().positive(),
    /** Automated follow-ups (nudges and suggestions) a fan may receive per 7 days; creators override it. */
    follow_up_budget_per_week: z.number().int().min(0),
    /** A nudge on an open offer, by pack type; `default` for the others. {{pack}} {{price}} are filled in. */
    follow_ups: z
      .partialRecord(
        z.enum([...PACK_TYPES, 'default']),
        z.strictObject({ after: duration, message: bilingual }),
      )
      .refine((value) => value.default !== undefined, 'needs a default entry'),
    thank_you: bilingual,
    /**
     * A new subscriber's welcome, this long after the platform reports the subscription
     * (by platform; `default` for the others). Cancelled if the fan writes first.
     */
    welcome: z.strictObject({
      after: z
        .partialRecord(z.enum([...PLATFORMS, 'default']), duration)
        .refine((value) => value.default !== undefined, 'needs a default entry'),
      message: bilingual,
    }),
    /** One suggestion of another pack, this long after a purchase. */
    suggestion: z.strictObject({ after: duration, message: bilingual }),
    invoice: z.strictObject({ pay_button: bilingual, checkout_text: bilingual, delivered: bilingual }),
    pre_checkout_errors: z.strictObject({ expired: bilingual, unavailable: bilingual }),
    /**
     * The /packs and /pricing answers from the live catalog: a heading per command, one
     * line per pack ({{pack}} {{price}}), and a button per pack that opens its offer.
     */
    catalog: z.strictObject({ packs: bilingual, pricing: bilingual, line: bilingual, button: bilingual }),
    /** The catalog a new demo install starts with (`npm run up`'s first run). */
    demo_packs: z.array(
      z.strictObject({
        name: z.string().min(1),
        type: z.enum(PACK_TYPES),
        price: z.number().positive(),
        currency: z.string().length(3),
        description: z.string(),
      }),
    ),
  }),
  /**
   * The one-tap satisfaction question: this long after a purchase or after a person hands the
   * conversation back; a score counts within `answer_window` of the question. `question` goes
   * with buttons, `question_typed` where the platform has none; `thanks` answers a score.
   */
  satisfaction: z.strictObject({
    after_purchase: duration,
    after_handled: duration,
    answer_window: duration,
    question: bilingual,
    question_typed: bilingual,
    thanks: bilingual,
  }),
  payments: z.strictObject({
    /** Checkout providers allowed to call POST /webhooks/payments/:provider; each signs with VELVET_PAYMENT_SECRET_<NAME>. */
    checkout_providers: z.array(z.string().regex(/^[a-z0-9_-]{1,32}$/, 'lower-case letters, digits, _ or -')),
    /** A signed webhook older than this is refused (replay protection). */
    signature_tolerance: duration,
  }),
  push: z.strictObject({
    /** At most one notification per user in this window; later drafts get one digest at its end. */
    quiet_window: duration,
    /** How long a push service keeps a notification the phone has not fetched yet. */
    ttl: duration,
    /** Push services a subscription may point at; a leading dot matches subdomains. */
    allowed_hosts: z.array(
      z.string().regex(/^\.?[a-z0-9.-]+$/, 'a host name, or .domain for its subdomains'),
    ),
    /** Plain-HTTP endpoints (local test push services only). */
    allow_http: z.boolean(),
    /** Show the fan's message in the notification; off keeps it off lock screens. */
    preview: z.boolean(),
  }),
  send_policy: z.strictObject({
    default: z.enum(SEND_POLICIES),
    auto_min_confidence: z.number().min(0).max(1),
  }),
  validator: z.strictObject({ explicit_terms: z.array(z.string().min(2)) }),
  platforms: z.strictObject({
    fanvue: z.strictObject({ messages_per_minute: positiveInt, messages_per_day: positiveInt }),
    onlyfans: z.strictObject({ messages_per_minute: positiveInt, messages_per_day: positiveInt }),
    discord: z.strictObject({ messages_per_minute: positiveInt, messages_per_day: positiveInt }),
    telegram: z.strictObject({
      messages_per_second_per_chat: positiveInt,
      messages_per_second_per_bot: positiveInt,
    }),
  }),
  commands: z.record(
    z.string().regex(/^[a-z0-9_]{1,32}$/, 'command names are lower-case letters, digits or _'),
    bilingual,
  ),
  /** The command menu platforms show fans (Telegram's setMyCommands), in order, per language. */
  command_menu: z.array(
    z.strictObject({
      command: z.string().regex(/^[a-z0-9_]{1,32}$/, 'command names are lower-case letters, digits or _'),
      description: z.strictObject({ fr: z.string().min(1).max(256), en: z.string().min(1).max(256) }),
    }),
  ),
  /**
   * The agency's retention policy (GDPR storage limitation), applied by the workers once per
   * `every`; a null rule keeps that data. Anonymises texts and files; counts and money stay.
   */
  retention: z
    .strictObject({
      /** Texts and files of conversations whose fan has been silent this long. */
      inactive_fan_messages: duration.nullable(),
      /** Texts of drafts that never went out (rejected, superseded, held), this old. */
      unsent_drafts: duration.nullable(),
      /** The platform's raw payload kept with each fan message, this old. */
      raw_payloads: duration.nullable(),
      /** Notifications their person has read, this old, are deleted (unread ones stay). */
      read_notifications: duration.nullable().default(90 * 86_400_000),
      every: duration,
    })
    .default({
      inactive_fan_messages: null,
      unsent_drafts: null,
      raw_payloads: null,
      read_notifications: 90 * 86_400_000,
      every: 86_400_000,
    }),
  /**
   * Scheduled backups, taken by the workers once per `every` into `dir` (null: DATA_DIR/backups),
   * keeping the newest `keep`. The embedded database is copied live, like PostgreSQL.
   */
  backups: z
    .strictObject({
      enabled: z.boolean(),
      every: duration,
      keep: positiveInt.max(1000),
      dir: z.string().min(1).nullable(),
    })
    .default({ enabled: true, every: 86_400_000, keep: 7, dir: null }),
  /**
   * Post and account figures (the analytics pages). Every `collect_every` the workers read the
   * counters of the published posts that are due (hourly for 48 h, daily to 30 days, then
   * weekly), at most `calls_per_minute` platform calls per account; once a day they read each
   * account's followers, create `post_metrics`' monthly partitions `partitions_ahead` months
   * ahead and drop the raw snapshots older than `raw_months` (the rollups stay). A chat sale
   * within `chat_window` after a post is credited to it.
   */
  analytics: z
    .strictObject({
      collect_every: duration,
      batch: positiveInt.max(5000),
      calls_per_minute: positiveInt,
      raw_months: positiveInt.max(120),
      partitions_ahead: positiveInt.max(24),
      chat_window: duration,
    })
    .default({
      collect_every: 5 * 60_000,
      batch: 200,
      calls_per_minute: 30,
      raw_months: 13,
      partitions_ahead: 2,
      chat_window: 48 * 3600_000,
    }),
  queues: z.strictObject({
    outbox_sweep_interval: duration,
    outbox_stale_after: duration,
    lock_duration: duration,
    outbound_concurrency: positiveInt,
    inbound_concurrency: positiveInt,
    /** Posts published at once per workers process. */
    publish_concurrency: positiveInt.default(8),
  }),
  safety: z.strictObject({
    min_confidence: z.strictObject({
      // No longer read: the minor gate's rules decide, and its model threshold is calibrated with the
      // model (llm/src/safety/minor-gate.ts). Still accepted so that older config files load.
      minor_signal: z.number().min(0).max(1).optional(),
      opt_out: z.number().min(0).max(1),
      spam: z.number().min(0).max(1),
      // Escalation rules; older config files without them escalate from 0.6.
      technical_issue: z.number().min(0).max(1).default(0.6),
      complaint_refund: z.number().min(0).max(1).default(0.6),
    }),
    spam_cooldown: duration,
    spam_mute_after: positiveInt,
    quiet_hours: z.record(z.string(), quietWindow),
    disclosure_markets: z.array(z.string()),
    disclosure: bilingual,
    replies: z.strictObject({
      minor_neutral: bilingual,
      opt_out_confirmed: bilingual,
      opt_in_confirmed: bilingual,
      spam_cooldown: bilingual,
      age_gate: bilingual,
      /** The same question where the platform has no buttons: the fan types their answer. */
      age_gate_typed: bilingual,
      age_confirmed: bilingual,
      /** Said once a day in a group the bot was added to, while the account keeps groups off. */
      private_only: bilingual,
    }),
    age_buttons: z.strictObject({ yes: bilingual, no: bilingual }),
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
