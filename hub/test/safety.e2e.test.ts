import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import {
  connectTelegram,
  inboxClient,
  postTelegram,
  record,
  Stack,
  until,
  type InboxClient,
  type VelvetProcess,
} from './stack';

const TOKEN = '7500000001:AAH-safety-test-bot-token-for-tests-00001';

/** The safety gates end to end: a Telegram fan, separate hub and workers, real PG and Redis. */
describe('safety gates on Telegram', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let supervisor: InboxClient;
  let events: { event: string; payload: any }[];
  let account: { id: string; secret: string; creatorId: string };
  let updateId = 1;

  const say = (chatId: number, text: string, languageCode = 'fr') =>
    postTelegram(
      hub.url!,
      account.id,
      account.secret,
      telegramUpdates.text({
        updateId: updateId++,
        chatId,
        fromId: chatId,
        text,
        firstName: 'Sam',
        languageCode,
      }),
    );
  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot } });
    hub = await stack.start('hub');
    await stack.start('workers');
    admin = await stack.admin(hub.url!);
    // A creator with no quiet hours, so automated replies are not held during the test.
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Safe'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const connected = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    account = { id: connected.accountId, secret: connected.secret, creatorId: creator.body.id };
    supervisor = await inboxClient(hub.url!, admin.token);
    events = record(supervisor);
  }, 120_000);

  afterAll(async () => {
    supervisor?.disconnect();
    await stack?.destroy();
    await telegram?.close();
  });

  async function conversationFor(text: string): Promise<string> {
    const event = await until(
      () => events.find((e) => e.event === 'message:new' && e.payload.message.text === text),
      10_000,
      `message:new "${text}"`,
    );
    return event.payload.conversationId;
  }

  it('stops selling to a fan who says they are 15, escalates and alerts supervisors', async () => {
    await say(2001, "j'ai 15 ans, tu vends des photos de pieds ?");
    const conversationId = await conversationFor("j'ai 15 ans, tu vends des photos de pieds ?");
    const alert = await until(
      () => events.find((e) => e.event === 'alert' && e.payload.conversationId === conversationId),
      10_000,
      'alert',
    );
    expect(alert.payload).toMatchObject({
      kind: 'minor_signal',
      severity: 'critical',
      creatorId: account.creatorId,
    });
    await until(() =>
      events.find(
        (e) =>
          e.event === 'conversation:update' &&
          e.payload.conversationId === conversationId &&
          e.payload.status === 'escalated',
      ),
    );
    const intent = await until(() =>
      events.find((e) => e.event === 'message:intent' && e.payload.conversationId === conversationId),
    );
    expect(intent.payload.intent).toBe('minor_signal');

    // One neutral message, nothing about packs or prices.
    await until(() => sentTo(2001).length === 1 || undefined, 10_000, 'the neutral reply');
    expect(sentTo(2001)[0]!.text).toMatch(/réservé aux adultes/);
    expect(JSON.stringify(sentTo(2001))).not.toMatch(/€|pack|prix/i);

    // Later messages get no automated answer at all, and the conversation waits in the escalation queue.
    await say(2001, 'alors tu me montres tes packs ?');
    await conversationFor('alors tu me montres tes packs ?');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(2001)).toHaveLength(1);
    const queue = await admin.get(`/api/conversations?status=escalated&creatorId=${account.creatorId}`);
    expect(queue.body.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
  });

  it('pauses on an uncertain minor signal: escalated for a person, nothing said, no flag', async () => {
    // Parents who must not find out: an adult can say it too, so the gate asks instead of deciding.
    const text = "mes parents vont me tuer s'ils voient ça";
    await say(2006, text);
    const conversationId = await conversationFor(text);
    const alert = await until(
      () => events.find((e) => e.event === 'alert' && e.payload.conversationId === conversationId),
      10_000,
      'alert',
    );
    expect(alert.payload).toMatchObject({
      kind: 'minor_uncertain',
      severity: 'warning',
      creatorId: account.creatorId,
    });
    await until(() =>
      events.find(
        (e) =>
          e.event === 'conversation:update' &&
          e.payload.conversationId === conversationId &&
          e.payload.status === 'escalated',
      ),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(2006)).toHaveLength(0);
    const queue = await admin.get(`/api/conversations?status=escalated&creatorId=${account.creatorId}`);
    const escalated = queue.body.conversations.find((c: { id: string }) => c.id === conversationId);
    expect(escalated).toBeDefined();
    const fan = await admin.get(`/api/fans/${escalated.fan.id}`);
    expect(fan.status).toBe(200);
    expect(fan.body.fan.minorSignalAt).toBeNull();
  });

  it('asks for age confirmation before any offer and records it', async () => {
    await say(2002, 'tu as des photos de tes pieds ? 👣');
    const gate = await until(() => sentTo(2002)[0], 10_000, 'the age gate');
    expect(gate.text).toMatch(/18 ans ou plus/);
    const buttons = (
      gate.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual(['age:yes', 'age:no']);

    await postTelegram(
      hub.url!,
      account.id,
      account.secret,
      telegramUpdates.callback({
        updateId: updateId++,
        chatId: 2002,
        fromId: 2002,
        data: 'age:yes',
        callbackId: 'cb-2002',
      }),
    );
    const thanks = await until(() => sentTo(2002)[1], 10_000, 'the confirmation');
    expect(thanks.text).toMatch(/^Merci/);
    await until(
      () => telegram.callbackAnswers.find((a) => a.callback_query_id === 'cb-2002'),
      10_000,
      'answerCallbackQuery',
    );
    const fans = await stack.query<{ age_verified_at: Date | null; age_verified_method: string | null }>(
      "select age_verified_at, age_verified_method from fans where platform_user_id = '2002'",
    );
    expect(fans[0]!.age_verified_method).toBe('button');
    expect(fans[0]!.age_verified_at).not.toBeNull();
  });

  it('honours STOP once and lets the fan opt back in with START', async () => {
    await say(2003, 'STOP');
    await until(() => sentTo(2003)[0], 10_000, 'opt-out confirmation');
    expect(sentTo(2003)[0]!.text).toMatch(/plus de messages automatiques/);
    await say(2003, 'STOP');
    await say(2003, '/help');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(2003)).toHaveLength(1);
    await say(2003, 'START');
    const back = await until(() => sentTo(2003)[1], 10_000, 'opt-in confirmation');
    expect(back.text).toMatch(/Contente de te revoir/);
  });

  it('answers spam once, then stays quiet while cooling down', async () => {
    await say(2004, 'Gagne 500€ par jour avec la crypto 🚀 clique ici http://bit.ly/x7 follow me', 'fr');
    await until(() => sentTo(2004)[0], 10_000, 'the spam reply');
    expect(sentTo(2004)[0]!.text).toMatch(/beaucoup de messages/);
    await say(2004, 'salut 😘');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(2004)).toHaveLength(1);
  });

  it('holds automated replies during the creator’s quiet hours, but not safety replies', async () => {
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Night'),
      timezone: 'UTC',
      quietHours: {
        start: hhmm(new Date(now.getTime() - 60 * 60_000)),
        end: hhmm(new Date(now.getTime() + 60 * 60_000)),
      },
    });
    expect(creator.status).toBe(201);
    const connected = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    const post = (chatId: number, text: string) =>
      postTelegram(
        hub.url!,
        connected.accountId,
        connected.secret,
        telegramUpdates.text({ updateId: updateId++, chatId, fromId: chatId, text, languageCode: 'en' }),
      );
    await post(2101, '/help');
    await post(2102, 'STOP');
    await until(() => sentTo(2102)[0], 10_000, 'the opt-out confirmation');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sentTo(2101)).toHaveLength(0);
    const held = await stack.query<{ status: string }>(
      "select m.status from messages m join conversations c on c.id = m.conversation_id where c.platform_chat_id = '2101' and m.direction = 'out'",
    );
    expect(held.map((m) => m.status)).toEqual(['queued']);
  });

  it('classifies over HTTP and keeps operators’ corrections for training', async () => {
    const classified = await admin.post('/api/intents/classify', { text: 'combien pour le pack lingerie ?' });
    expect(classified.status).toBe(200);
    expect(classified.body).toMatchObject({ lang: 'fr', confidence: expect.any(Number) });
    expect(['pricing_question', 'pack_request_lingerie']).toContain(classified.body.intent);
    expect((await admin.post('/api/intents/classify', { text: '' })).status).toBe(422);

    await say(2005, 'coucou toi');
    const conversationId = await conversationFor('coucou toi');
    const message = (await admin.get(`/api/conversations/${conversationId}/messages`)).body.messages[0];
    const corrected = await admin.post(`/api/messages/${message.id}/intent`, { intent: 'compliment' });
    expect(corrected.status).toBe(200);
    expect((await admin.post(`/api/messages/${message.id}/intent`, { intent: 'nonsense' })).status).toBe(422);
    const exported = await fetch(`${hub.url}/api/intents/corrections`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(await exported.text()).toBe(`${JSON.stringify({ text: 'coucou toi', intent: 'compliment' })}\n`);
  });
});
