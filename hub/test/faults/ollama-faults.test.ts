import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { creatorBody } from '../harness';
import { connectTelegram, inboxClient, postTelegram, Stack, until, type InboxClient } from '../stack';

const TOKEN = '7930000001:AAH-ollama-fault-bot-token-for-tests-001';
const FALLBACK = 'Coucou 😘 Contente de te lire ! Comment tu vas ?';

/**
 * Injected: the Ollama stand-in refusing connections (down), stalling mid-stream, and
 * holding the first token for 10 s (a model still loading). The config lowers the timeouts
 * to a 1 s first token and a 500 ms idle stream. Survives: within 2 s of the fault biting,
 * the intent's template stands in as the draft (`generated_by: fallback`), and supervisors
 * get an `llm_down` alert.
 */
describe('fault: Ollama down, stalled or slow to its first token', () => {
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let stack: Stack;
  let redis: Redis;
  let socket: InboxClient;
  /** Every event this client received, stamped on arrival so elapsed times are the client's. */
  const events: { event: string; payload: any; at: number }[] = [];
  let say: (chatId: number, text: string) => Promise<string>;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    ollama = await startOllamaStandin({ tokensPerSecond: 50 });
    stack = await Stack.create({
      env: { TELEGRAM_API_ROOT: telegram.apiRoot, OLLAMA_HOST: ollama.url, LOG_LEVEL: 'warn' },
      config: (yaml) =>
        yaml.replace('first_token: 8s', 'first_token: 1s').replace('idle: 1500ms', 'idle: 500ms'),
    });
    const hub = await stack.start('hub');
    await stack.start('workers');
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Fallback'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    socket = await inboxClient(hub.url!, admin.token);
    socket.onAny((event: string, payload: unknown) => events.push({ event, payload, at: Date.now() }));
    redis = new Redis(TEST_REDIS_URL);
    let updateId = 1;
    say = async (chatId, text) => {
      const update = telegramUpdates.text({
        updateId: updateId++,
        chatId,
        fromId: chatId,
        text,
        languageCode: 'fr',
      });
      expect((await postTelegram(hub.url!, accountId, secret, update)).status).toBe(200);
      const incoming = await until(
        () => events.find((e) => e.event === 'message:new' && e.payload.message.text === text),
        10_000,
        `message:new "${text}"`,
      );
      return incoming.payload.conversationId as string;
    };
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    redis?.disconnect();
    await stack?.destroy();
    await ollama?.close();
    await telegram?.close();
  });

  async function draftOf(conversationId: string) {
    const start = await until(
      () => events.find((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId),
      20_000,
      'draft:start',
    );
    const done = await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.draftId === start.payload.draftId),
      20_000,
      'draft:done',
    );
    return { start, done };
  }

  async function expectFallbackAndAlert(draftId: string, conversationId: string) {
    const [stored] = await stack.query<{ generated_by: string; text: string }>(
      `select generated_by, text from drafts where id = '${draftId}'`,
    );
    expect(stored).toEqual({ generated_by: 'fallback', text: FALLBACK });
    await until(
      () =>
        events.find(
          (e) =>
            e.event === 'alert' &&
            e.payload.kind === 'llm_down' &&
            e.payload.conversationId === conversationId,
        ),
      5000,
      'llm_down alert',
    );
    // Alerts are throttled to one a minute per deployment; each case here wants its own.
    await redis.del(`${stack.redis.prefix}:alert:llm`);
  }

  it('falls back within 2 s when Ollama refuses connections, and alerts', async () => {
    ollama.down();
    try {
      const conversationId = await say(531, 'coucou, tu vas bien ?');
      const { start, done } = await draftOf(conversationId);
      expect(done.at - start.at).toBeLessThan(2000);
      expect(done.payload.text).toBe(FALLBACK);
      await expectFallbackAndAlert(start.payload.draftId, conversationId);
    } finally {
      ollama.up();
    }
  });

  it('falls back within 2 s of a stream stalling after two tokens, and alerts', async () => {
    ollama.failNext({ stallAfterTokens: 2 });
    const conversationId = await say(532, 'coucou ma belle');
    const { start, done } = await draftOf(conversationId);
    const tokens = events.filter(
      (e) => e.event === 'draft:token' && e.payload.draftId === start.payload.draftId,
    );
    expect(tokens.length).toBeGreaterThan(0);
    expect(done.at - tokens.at(-1)!.at).toBeLessThan(2000);
    await expectFallbackAndAlert(start.payload.draftId, conversationId);
  });

  it('falls back within 2 s when the first token would take 10 s, and alerts', async () => {
    ollama.failNext({ loadingMs: 10_000 });
    const conversationId = await say(533, 'salut toi');
    const { start, done } = await draftOf(conversationId);
    expect(done.at - start.at).toBeLessThan(2000);
    expect(done.payload.text).toBe(FALLBACK);
    await expectFallbackAndAlert(start.payload.draftId, conversationId);
  });
});
