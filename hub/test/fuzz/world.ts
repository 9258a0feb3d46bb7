import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createCheckoutToken, draftsRepo } from '@velvet/shared';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from '../harness';
import { PushKeys } from '../push-service';
import { connectTelegram, postTelegram } from '../stack';

export const ACTORS = ['anonymous', 'admin', 'chatter'] as const;
export type ActorName = (typeof ACTORS)[number];

export const PAYMENT_SECRET = 'whsec-fuzz-provider-secret-0123456789';
const TOKEN = '7900000014:AAH-route-fuzz-test-bot-token-issue-14';
const SANDBOX_TOKEN = 'sandbox-fuzz-token';

/** The tables whose rows a refused request must leave as they were. */
export const TABLES = [
  'users',
  'user_creators',
  'refresh_tokens',
  'creators',
  'platform_accounts',
  'fans',
  'conversations',
  'messages',
  'drafts',
  'outbox',
  'audit_log',
  'intent_corrections',
  'packs',
  'promo_codes',
  'offers',
  'purchases',
  'follow_ups',
  'push_subscriptions',
  'experiments',
  'intent_guidance',
] as const;
export type Counts = Record<(typeof TABLES)[number], number>;

export type IdKind =
  | 'creator'
  | 'account'
  | 'conversation'
  | 'message'
  | 'fan'
  | 'pack'
  | 'promo'
  | 'offer'
  | 'followUp'
  | 'draft'
  | 'user'
  /** A user only `PATCH /api/users/:id` changes: disabling the actors would end their sessions. */
  | 'managedUser'
  | 'media'
  | 'post'
  | 'savedReply'
  | 'experiment';

/**
 * One hub with a record of every kind the routes name (creators, a Telegram and a sandbox
 * account, conversations with a photo, a pack, a promo code, an offer, drafts) and the three
 * actors the fuzzer plays: anonymous, the admin, and a chatter limited to the first creator.
 */
export interface World {
  hub: TestHub;
  telegram: TelegramStandin;
  actors: Record<ActorName, Client>;
  ids: Record<IdKind, string[]>;
  /** Webhook authentication header of each account. */
  webhookAuth: Map<string, { platform: 'telegram' | 'sandbox'; header: string; value: string }>;
  fuzzUser: { email: string; password: string };
  sandboxToken: string;
  telegramFileId: string;
  checkoutToken: string;
  promoCode: string;
  conversationCursor: string;
  messageCursor: string;
  pushSubscription(): Record<string, unknown>;
  nextSerial(): number;
  counts(): Promise<Counts>;
  /** Reconnects the accounts a fuzzed request disconnected. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function ok<T = any>(what: string, response: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await response;
  if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

export async function createWorld(): Promise<World> {
  process.env.VELVET_PAYMENT_SECRET_CHECKOUT = PAYMENT_SECRET;
  const telegram = await startTelegramStandin({ tokens: [TOKEN] });
  const hub = await startTestHub({
    telegramApiRoot: telegram.apiRoot,
    // Fanvue's OAuth start answers with its consent URL (never called here) rather than a 503.
    env: {
      FANVUE_CLIENT_ID: 'fuzz-fanvue-client',
      FANVUE_CLIENT_SECRET: 'fuzz-fanvue-client-secret',
      FANVUE_AUTH_ROOT: 'http://127.0.0.1:9',
    },
    // The fuzzer signs in hundreds of times from one address; the limiter is tested elsewhere.
    config: (config) => {
      config.auth.login.attempts_per_ip = 1_000_000;
      config.auth.login.failures_per_account = 1_000_000;
    },
  });
  const db = new pg.Client({ connectionString: hub.ctx.env.DATABASE_URL });
  await db.connect();

  const admin = new Client(hub.url);
  await admin.login(ADMIN.email, ADMIN.password);
  const creatorA = (await ok('creator', admin.post('/api/creators', creatorBody('Fuzz')))).id as string;
  const creatorB = (await ok('creator', admin.post('/api/creators', creatorBody('Other')))).id as string;
  const chatterUser = await hub.createUser('chatter@fuzz.velvet', 'chatter', [creatorA]);
  const chatter = new Client(hub.url);
  await chatter.login(chatterUser.email, chatterUser.password);
  const fuzzUser = await hub.createUser('login@fuzz.velvet', 'manager', [creatorA]);
  await hub.createUser('managed@fuzz.velvet', 'chatter', [creatorA]);

  const connected = await connectTelegram(admin, telegram, TOKEN, creatorA);
  const sandbox = await ok(
    'sandbox account',
    admin.post(`/api/creators/${creatorA}/accounts`, {
      platform: 'sandbox',
      credentials: { token: SANDBOX_TOKEN },
    }),
  );

  // An image in the creator's library, and a post to the sandbox account.
  const form = new FormData();
  const jpeg = await sharp({ create: { width: 64, height: 80, channels: 3, background: '#8e44ad' } })
    .jpeg()
    .toBuffer();
  form.set('file', new Blob([new Uint8Array(jpeg)]), 'library.jpg');
  const media = (await (
    await fetch(`${hub.url}/api/creators/${creatorA}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    })
  ).json()) as { id: string };
  const savedReply = await ok(
    'saved reply',
    admin.post('/api/saved-replies', { creatorId: creatorA, title: 'Merci', body: 'Merci {fan_name} !' }),
  );
  const experiment = await ok(
    'experiment',
    admin.post(`/api/creators/${creatorA}/experiments`, {
      intent: 'greeting',
      name: 'Relance',
      variants: [{ text: '' }, { text: 'Pose-lui une question.' }],
    }),
  );
  const post = await ok(
    'post',
    admin.post(`/api/creators/${creatorA}/posts`, {
      kind: 'text',
      text: 'Bonsoir',
      accountIds: [sandbox.id],
    }),
  );

  // A Telegram fan who wrote and sent a photo, and a sandbox fan (old enough) to make offers to.
  const file = telegram.addFile(Buffer.from('\xff\xd8\xff\xe0fuzz-jpeg', 'latin1'), {
    path: 'photos/fuzz.jpg',
    token: TOKEN,
  });
  const base = { chatId: 777, fromId: 777, firstName: 'Zoé', languageCode: 'fr' };
  await ok(
    'text update',
    postTelegram(
      hub.url,
      connected.accountId,
      connected.secret,
      telegramUpdates.text({ ...base, updateId: 1, text: 'coucou' }),
    ),
  );
  await ok(
    'photo update',
    postTelegram(
      hub.url,
      connected.accountId,
      connected.secret,
      telegramUpdates.photo({ ...base, updateId: 2, caption: 'regarde', fileId: file.fileId, fileSize: 13 }),
    ),
  );
  const sandboxPost = await fetch(`${hub.url}/webhooks/sandbox/${sandbox.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': SANDBOX_TOKEN },
    body: JSON.stringify({
      id: 'm1',
      chatId: 'c1',
      from: { id: 'f1', name: 'Sam', language: 'en' },
      text: 'hello',
    }),
  });
  if (sandboxPost.status !== 200) throw new Error(`sandbox message: ${sandboxPost.status}`);
  await hub.ctx.db.execute(
    sql`update fans set age_verified_at = now(), age_verified_method = 'button' where platform_user_id = 'f1'`,
  );

  const page = await ok('conversations', admin.get('/api/conversations?limit=1'));
  const conversations = (await ok('conversations', admin.get('/api/conversations'))).conversations as any[];
  const telegramConversation = conversations.find((c) => c.platform === 'telegram');
  const sandboxConversation = conversations.find((c) => c.platform === 'sandbox');
  const messagePage = await ok(
    'messages',
    admin.get(`/api/conversations/${telegramConversation.id}/messages?limit=1`),
  );
  const messages = (await ok('messages', admin.get(`/api/conversations/${telegramConversation.id}/messages`)))
    .messages as any[];

  const pack = await ok(
    'pack',
    admin.post(`/api/creators/${creatorA}/packs`, {
      name: 'Pack pieds',
      type: 'feet',
      price: 10,
      checkoutUrl: 'https://pay.test.velvet/checkout',
    }),
  );
  const promo = await ok(
    'promo',
    admin.post(`/api/creators/${creatorA}/promo-codes`, { code: 'BIENVENUE', kind: 'percent', value: 10 }),
  );
  const offered = await ok(
    'offer',
    admin.post(`/api/conversations/${sandboxConversation.id}/offers`, { packId: pack.id }),
  );
  const offer = offered.offer as { id: string; expiresAt: string };
  const followUps = await db.query<{ id: string }>('select id from follow_ups');

  const drafts: string[] = [];
  for (const [conversation, messageId] of [
    [telegramConversation, messages[0].id],
    [sandboxConversation, undefined],
  ] as const) {
    const detail = await ok('detail', admin.get(`/api/conversations/${conversation.id}/messages`));
    const draft = await draftsRepo.create(hub.ctx.db, {
      conversationId: conversation.id,
      messageId: messageId ?? detail.messages[0].id,
      text: 'Coucou toi',
      intent: 'greeting',
      status: 'pending_approval',
      generatedBy: 'template',
    });
    drafts.push(draft.id);
  }
  const users = (await ok('users', admin.get('/api/users'))).users as { id: string; email: string }[];
  // A reply the platform refused, for the retry route.
  const failed = await db.query<{ id: string }>(
    `insert into messages (conversation_id, account_id, direction, sender, text, status, error)
     values ($1, $2, 'out', 'human', 'Coucou', 'failed', 'Forbidden: bot was blocked by the user')
     returning id`,
    [telegramConversation.id, connected.accountId],
  );

  const webhookAuth: World['webhookAuth'] = new Map([
    [
      connected.accountId,
      { platform: 'telegram', header: 'x-telegram-bot-api-secret-token', value: connected.secret },
    ],
    [sandbox.id, { platform: 'sandbox', header: 'x-velvet-sandbox-token', value: SANDBOX_TOKEN }],
  ]);
  let serial = 1000;
  return {
    hub,
    telegram,
    actors: { anonymous: new Client(hub.url), admin, chatter },
    ids: {
      creator: [creatorA, creatorB],
      account: [connected.accountId, sandbox.id],
      conversation: [telegramConversation.id, sandboxConversation.id],
      message: [...messages.map((m) => m.id), failed.rows[0]!.id],
      fan: [telegramConversation.fan.id, sandboxConversation.fan.id],
      pack: [pack.id],
      promo: [promo.id],
      offer: [offer.id],
      followUp: followUps.rows.map((r) => r.id),
      draft: drafts,
      user: users.filter((u) => u.email !== 'managed@fuzz.velvet').map((u) => u.id),
      managedUser: users.filter((u) => u.email === 'managed@fuzz.velvet').map((u) => u.id),
      media: [media.id],
      post: [post.id],
      savedReply: [savedReply.id],
      experiment: [experiment.id],
    },
    webhookAuth,
    fuzzUser,
    sandboxToken: SANDBOX_TOKEN,
    telegramFileId: file.fileId,
    checkoutToken: createCheckoutToken(hub.ctx.secrets.checkoutKey, offer.id, new Date(offer.expiresAt)),
    promoCode: 'BIENVENUE',
    conversationCursor: page.nextCursor,
    messageCursor: messagePage.nextCursor,
    pushSubscription: () => new PushKeys().json(`https://fcm.googleapis.com/fcm/send/fuzz-${serial++}`),
    nextSerial: () => serial++,
    async counts() {
      const select = TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ');
      return (await db.query<Counts>(`select ${select}`)).rows[0]!;
    },
    async restore() {
      // Fuzzed requests may disconnect the accounts; the next route gets them live again.
      const credentials: Record<string, object> = {
        [connected.accountId]: { botToken: TOKEN },
        [sandbox.id]: { token: SANDBOX_TOKEN },
      };
      const { rows } = await db.query<{ id: string }>(
        `select id from platform_accounts where status = 'disconnected' and id = any($1)`,
        [Object.keys(credentials)],
      );
      for (const { id } of rows)
        await ok('reconnect', admin.post(`/api/accounts/${id}/reconnect`, { credentials: credentials[id] }));
      // Telegram was given a new webhook secret.
      webhookAuth.get(connected.accountId)!.value = telegram.webhooks.get(TOKEN)!.secret_token!;
    },
    async close() {
      delete process.env.VELVET_PAYMENT_SECRET_CHECKOUT;
      await db.end();
      await hub.stop();
      await telegram.close();
    },
  };
}
