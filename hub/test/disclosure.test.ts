import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { enqueue, messagesRepo, outboxRepo, schema } from '@velvet/shared';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { postTelegram, until } from './stack';

const TOKEN = '7600000001:AAH-disclosure-test-bot-token-for-tests01';

/** The outbound worker adds the AI disclosure to a fan's first AI-drafted message only. */
describe('AI disclosure on the first AI-drafted message', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot, workers: true });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  /** What the drafting pipeline does once a draft may be sent: an outbound row, then a job. */
  async function sendDraft(conversationId: string, accountId: string, text: string) {
    const { message } = await messagesRepo.insertOutbound(hub.ctx.db, {
      conversationId,
      accountId,
      direction: 'out',
      sender: 'bot',
      text,
      raw: { origin: 'draft', draftId: 'test', approvedBy: 'policy' },
      idempotencyKey: `test-draft:${text}`,
    });
    const row = await outboxRepo.insert(hub.ctx.db, {
      name: 'outbound.send',
      data: { messageId: message.id },
    });
    await enqueue(hub.queues, { name: 'outbound.send', data: { messageId: message.id, outboxId: row.id } });
    return message.id;
  }

  async function fanConversation(market: string, quiet: boolean, chatId: number, languageCode: string) {
    const creator = await admin.post('/api/creators', {
      ...creatorBody(`M${chatId}`),
      market,
      quietHours: quiet ? null : { start: '00:00', end: '00:00' },
    });
    const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: TOKEN },
    });
    const secret = telegram.webhooks.get(TOKEN)!.secret_token!;
    await postTelegram(
      hub.url,
      account.body.id,
      secret,
      telegramUpdates.text({ updateId: chatId, chatId, fromId: chatId, text: 'coucou', languageCode }),
    );
    const [conversation] = await hub.ctx.db
      .select()
      .from(schema.conversations)
      .where(eq(schema.conversations.accountId, account.body.id));
    return { conversationId: conversation!.id, accountId: account.body.id, fanId: conversation!.fanId };
  }

  it('prepends the French disclosure once for a French fan of an EU creator, and records it', async () => {
    const { conversationId, accountId, fanId } = await fanConversation('FR', false, 3001, 'fr');
    const first = await sendDraft(conversationId, accountId, 'Coucou toi 😘');
    const delivered = await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '3001'),
      10_000,
      'first draft',
    );
    expect(delivered.text).toBe(
      "Petite précision : certaines de mes réponses sont préparées avec l'aide d'une IA.\n\nCoucou toi 😘",
    );
    await until(async () => (await messagesRepo.findById(hub.ctx.db, first))?.status === 'sent', 5000);
    expect((await messagesRepo.findById(hub.ctx.db, first))?.text).toBe(delivered.text);
    const [fan] = await hub.ctx.db.select().from(schema.fans).where(eq(schema.fans.id, fanId));
    expect(fan!.disclosedAt).not.toBeNull();

    await sendDraft(conversationId, accountId, 'Tu passes une bonne journée ?');
    const second = await until(
      () => telegram.sent.filter((m) => String(m.chat_id) === '3001')[1],
      10_000,
      'second draft',
    );
    expect(second.text).toBe('Tu passes une bonne journée ?');
  });

  it('leaves a US creator’s drafts alone unless the creator turns disclosure on', async () => {
    const { conversationId, accountId } = await fanConversation('US', false, 3002, 'en');
    await sendDraft(conversationId, accountId, 'Hey you!');
    expect((await until(() => telegram.sent.find((m) => String(m.chat_id) === '3002'), 10_000)).text).toBe(
      'Hey you!',
    );
  });
});
