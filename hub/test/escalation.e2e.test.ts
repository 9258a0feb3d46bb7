import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OllamaStandin } from '@velvet/llm/ollama/testing';
import type { TelegramStandin } from '@velvet/platforms/testing';
import type { Client } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type TelegramStack,
  type VelvetProcess,
} from './stack';

const TOKEN = '7700000022:AAH-escalation-test-bot-token-for-test22';
const MODEL_REPLY = 'Coucou toi ! Ça me fait super plaisir de te lire, tu passes une bonne journée ?';
const GREETING_FALLBACK = 'Coucou 😘 Contente de te lire ! Comment tu vas ?';

/**
 * The escalation rules end to end: a Telegram fan, the Ollama stand-in, separate hub and workers
 * processes. The creator auto-sends drafts, so a rule that fires is seen by what does not go out.
 */
describe('escalation rules hand a conversation to a person', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let hub: VelvetProcess;
  let admin: Client;
  let supervisor: InboxClient;
  let events: { event: string; payload: any }[];

  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));
  const conversationOf = async (text: string) =>
    (
      await until(
        () => events.find((e) => e.event === 'message:new' && e.payload.message.text === text),
        10_000,
        `message "${text}"`,
      )
    ).payload.conversationId as string;
  const of = (conversationId: string, event: string) =>
    events.filter((e) => e.event === event && e.payload.conversationId === conversationId);
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply: () => MODEL_REPLY },
      creator: { name: 'Escalade', sendPolicy: { '*': { '*': 'auto' } } },
      fanName: 'Lou',
    });
    ({ telegram, ollama, hub, admin } = env);
    supervisor = await inboxClient(hub.url!, admin.token);
    events = record(supervisor);
  }, 120_000);

  afterAll(async () => {
    supervisor?.disconnect();
    await env?.destroy();
  });

  /** The fan writes; the rule fires: escalated with its reason, an alert, no draft, nothing sent. */
  async function expectEscalated(chatId: number, text: string, reason: string) {
    await env.say(chatId, text);
    const conversationId = await conversationOf(text);
    const update = await until(
      () => of(conversationId, 'conversation:update').find((e) => e.payload.status === 'escalated'),
      10_000,
      `escalation of "${text}"`,
    );
    expect(update.payload.escalationReason).toBe(reason);
    const alert = await until(() => of(conversationId, 'alert')[0], 10_000, 'the alert');
    expect(alert.payload).toMatchObject({
      kind: 'escalation',
      severity: 'warning',
      creatorId: env.creatorId,
    });
    await settle();
    expect(of(conversationId, 'draft:start')).toHaveLength(0);
    expect(sentTo(chatId)).toHaveLength(0);
    const detail = await admin.get(`/api/conversations/${conversationId}`);
    expect(detail.body.conversation).toMatchObject({ status: 'escalated', escalationReason: reason });
    // The supervisor's notification is stored too, so a reload still shows it.
    const notifications = await admin.get('/api/notifications');
    expect(
      notifications.body.notifications.some(
        (n: { kind: string; conversationId: string | null }) =>
          n.kind === 'escalation' && n.conversationId === conversationId,
      ),
    ).toBe(true);
    return conversationId;
  }

  it('lets ordinary messages through to an auto-sent reply, unescalated', async () => {
    for (const [chatId, text] of [
      [6001, 'coucou toi'],
      [6002, "t'es trop belle aujourd'hui"],
      [6003, 'tu fais quoi ce soir ?'],
    ] as const) {
      await env.say(chatId, text);
      const conversationId = await conversationOf(text);
      await until(
        () => sentTo(chatId).some((m) => String(m.text).endsWith(MODEL_REPLY)) || undefined,
        15_000,
        'the reply',
      );
      expect(of(conversationId, 'alert')).toHaveLength(0);
      expect(of(conversationId, 'conversation:update')).toHaveLength(0);
      expect((await admin.get(`/api/conversations/${conversationId}`)).body.conversation).toMatchObject({
        status: 'bot',
        escalationReason: null,
      });
    }
  });

  it('escalates a technical issue', async () => {
    await expectEscalated(
      6010,
      "Le paiement ne marche pas, j'ai une erreur quand je paie",
      'technical_issue',
    );
  });

  it('escalates a refund request or complaint', async () => {
    await expectEscalated(6011, 'I want a refund, this is a scam', 'complaint_refund');
  });

  it('escalates a fan asking for a person, in French and in English', async () => {
    await expectEscalated(6012, 'Je veux parler à un humain', 'human_request');
    await expectEscalated(6013, 'Can I talk to a real person please?', 'human_request');
  });

  it('escalates after three template fallbacks in a row, holding the third back', async () => {
    ollama.down();
    try {
      const chatId = 6020;
      let conversationId = '';
      for (const text of ['coucou', 'coucou toi ?', 'hello tu es là ?']) {
        // One at a time: a newer fan message would abort the draft still being written.
        const before = events.filter((e) => e.event === 'draft:done').length;
        await env.say(chatId, text);
        conversationId = await conversationOf(text);
        await until(
          () => events.filter((e) => e.event === 'draft:done').length > before || undefined,
          15_000,
          `the draft for "${text}"`,
        );
      }
      const done = of(conversationId, 'draft:done').map((e) => e.payload);
      expect(done.map((d) => d.status)).toEqual(['auto_sent', 'auto_sent', 'blocked']);
      expect(done.every((d) => d.text === GREETING_FALLBACK)).toBe(true);
      const update = of(conversationId, 'conversation:update').find((e) => e.payload.status === 'escalated');
      expect(update?.payload.escalationReason).toBe('fallbacks');
      expect(of(conversationId, 'alert').map((e) => e.payload.kind)).toContain('escalation');
      await settle();
      // Two templates reached the fan (the first after the AI disclosure), the third did not.
      expect(sentTo(chatId).filter((m) => String(m.text).endsWith(GREETING_FALLBACK))).toHaveLength(2);
    } finally {
      ollama.up();
    }
  });

  it('keeps a rule the creator switched off quiet', async () => {
    const patched = await admin.patch(`/api/creators/${env.creatorId}`, {
      automation: { escalation: { human_request: false } },
    });
    expect(patched.status).toBe(200);
    const text = 'je voudrais parler à une vraie personne';
    await env.say(6030, text);
    const conversationId = await conversationOf(text);
    await until(() => of(conversationId, 'draft:done')[0], 15_000, 'a draft');
    expect(
      of(conversationId, 'conversation:update').filter((e) => e.payload.status === 'escalated'),
    ).toHaveLength(0);
    expect(of(conversationId, 'alert')).toHaveLength(0);
    const invalid = await admin.patch(`/api/creators/${env.creatorId}`, {
      automation: { escalation: { human_request: 'no' } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.message).toMatch(
      /automation\.escalation\.human_request: must be true or false/,
    );
  });
});
