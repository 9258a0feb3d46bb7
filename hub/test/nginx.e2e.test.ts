import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from './harness';
import { startNginx } from './nginx';
import { inboxClient, postTelegram, record, Stack, until, type VelvetProcess } from './stack';

const TOKEN = '7200000001:AAH-nginx-test-bot-token-for-tests-000001';

describe('two hubs behind nginx', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hubs: VelvetProcess[];
  let nginx: ChildProcess;
  let url: string;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot } });
    hubs = [await stack.start('hub'), await stack.start('hub')];
    await stack.start('workers');
    ({ url, process: nginx } = await startNginx(
      stack.dataDir,
      hubs.map((h) => h.port!),
    ));
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await stack?.destroy();
    await telegram?.close();
  });

  /** The instance that answers requests carrying this sticky cookie. */
  async function instanceFor(cookie: string): Promise<string> {
    const response = await fetch(`${url}/healthz`, { headers: { cookie: `velvet_sticky=${cookie}` } });
    return ((await response.json()) as { instance: string }).instance;
  }

  it('delivers an event received by hub A to a client connected to hub B', async () => {
    const direct = await Promise.all(
      hubs.map(
        async (h) => ((await (await fetch(`${h.url}/healthz`)).json()) as { instance: string }).instance,
      ),
    );
    // Find two cookies nginx routes to different hubs.
    const byInstance = new Map<string, string>();
    for (let i = 0; byInstance.size < 2 && i < 50; i++) {
      const instance = await instanceFor(`client-${i}`);
      if (!byInstance.has(instance)) byInstance.set(instance, `client-${i}`);
    }
    expect([...byInstance.keys()].sort()).toEqual([...direct].sort());

    const admin = await stack.admin(url);
    const creator = await admin.post('/api/creators', creatorBody('Nina'));
    const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: TOKEN },
    });
    expect(account.status).toBe(201);
    const secret = telegram.webhooks.get(TOKEN)!.secret_token!;

    const clients = await Promise.all(
      direct.map(async (instance) => {
        const socket = await inboxClient(url, admin.token, {
          cookie: `velvet_sticky=${byInstance.get(instance)}`,
        });
        return { instance, socket, events: record(socket) };
      }),
    );
    // The webhook goes to hub A directly; the client on hub B must see it too.
    const update = telegramUpdates.text({
      updateId: 1,
      chatId: 4242,
      fromId: 4242,
      text: 'Bonjour via le hub A',
    });
    expect((await postTelegram(hubs[0]!.url!, account.body.id, secret, update)).status).toBe(200);
    for (const client of clients) {
      const event = await until(
        () => client.events.find((e) => e.event === 'message:new'),
        10_000,
        `message:new on ${client.instance}`,
      );
      expect(event.payload.message.text).toBe('Bonjour via le hub A');
    }

    // A reply from the client on hub B reaches the fan, and hub A's client sees it sent.
    const onB = clients.find((c) => c.instance === direct[1])!;
    const ack = await onB.socket.emitWithAck('message:send', {
      conversationId: clients[0]!.events.find((e) => e.event === 'message:new')!.payload.conversationId,
      text: 'Réponse via le hub B',
    });
    expect(ack.ok).toBe(true);
    await until(
      () => clients[0]!.events.find((e) => e.event === 'message:sent'),
      10_000,
      'message:sent on hub A',
    );
    expect(telegram.sent.filter((m) => m.text === 'Réponse via le hub B')).toHaveLength(1);
    for (const client of clients) client.socket.disconnect();
  }, 60_000);
});
