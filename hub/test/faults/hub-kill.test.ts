import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from '../harness';
import { startNginx, stickyCookies } from '../nginx';
import {
  connectTelegram,
  inboxClient,
  postTelegram,
  Stack,
  until,
  type InboxClient,
  type VelvetProcess,
} from '../stack';

const TOKEN = '7960000001:AAH-hub-kill-fault-bot-token-for-tests-01';

interface Operator {
  socket: InboxClient;
  instance: string;
  texts: Set<string>;
  disconnectedAt?: number;
  reconnectedAt?: number;
}

/**
 * Injected: SIGKILL of one of two hubs behind the repository's nginx.conf while fans keep
 * writing (webhooks through nginx, redelivered on a non-2xx as Telegram does). Survives:
 * the killed hub's clients reconnect through nginx to the other hub within 5 s, and every
 * client, on either hub, ends with a `message:new` for every fan message stored.
 */
describe('fault: a hub SIGKILLed behind nginx', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hubs: VelvetProcess[];
  let nginx: ChildProcess;
  let url: string;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' } });
    hubs = await Promise.all([stack.start('hub'), stack.start('hub')]);
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

  it('moves the killed hub’s clients to the other hub within 5 s, with every event', async () => {
    const admin = await stack.admin(url);
    const creator = await admin.post('/api/creators', creatorBody('Failover'));
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    const instances = await Promise.all(
      hubs.map(
        async (h) => ((await (await fetch(`${h.url}/healthz`)).json()) as { instance: string }).instance,
      ),
    );
    const cookies = await stickyCookies(url, 2);
    expect([...cookies.keys()].sort()).toEqual([...instances].sort());

    const operators: Operator[] = [];
    for (const instance of instances) {
      for (let i = 0; i < 3; i++) {
        const socket = await inboxClient(url, admin.token, {
          cookie: `velvet_sticky=${cookies.get(instance)}`,
        });
        const operator: Operator = { socket, instance, texts: new Set() };
        socket.on('message:new', (payload) => operator.texts.add(payload.message.text));
        socket.on('disconnect', () => (operator.disconnectedAt ??= Date.now()));
        socket.io.on('reconnect', () => (operator.reconnectedAt ??= Date.now()));
        operators.push(operator);
      }
    }

    const stored: string[] = [];
    let writing = true;
    let updateId = 1;
    const fans = (async () => {
      while (writing) {
        const text = `fan message ${updateId}`;
        const update = telegramUpdates.text({ updateId: updateId++, chatId: 560_001, fromId: 560_001, text });
        // Redelivered until a 2xx, as Telegram does.
        for (;;) {
          const { status } = await postTelegram(url, accountId, secret, update).catch(() => ({ status: 0 }));
          if (status === 200) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        stored.push(text);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    await until(() => stored.length >= 5, 10_000, 'traffic before the kill');
    const [victim] = hubs;
    const killedAt = Date.now();
    await victim!.stop('SIGKILL');
    const moved = operators.filter((o) => o.instance === instances[0]);
    await until(() => moved.every((o) => o.reconnectedAt), 10_000, 'the killed hub’s clients to reconnect');
    for (const operator of moved) expect(operator.reconnectedAt! - killedAt).toBeLessThan(5000);
    // Still connected through nginx, now to the survivor.
    const after = await (
      await fetch(`${url}/healthz`, { headers: { cookie: `velvet_sticky=${cookies.get(instances[0]!)}` } })
    ).json();
    expect((after as { instance: string }).instance).toBe(instances[1]);

    await until(() => stored.length >= 25, 20_000, 'traffic after the kill');
    writing = false;
    await fans;
    console.info(
      operators.map((o) => ({
        killed: o.instance === instances[0],
        recovered: o.socket.recovered,
        missing: stored.filter((text) => !o.texts.has(text)),
      })),
    );
    for (const operator of operators) {
      await until(
        () => stored.every((text) => operator.texts.has(text)),
        10_000,
        `every event on a client of ${operator.instance === instances[0] ? 'the killed hub' : 'the survivor'}`,
      ).catch(() => {
        const missing = stored.filter((text) => !operator.texts.has(text));
        expect(missing, `events missed by a client of ${operator.instance}`).toEqual([]);
      });
      expect(operator.socket.connected).toBe(true);
    }
    for (const operator of operators) operator.socket.disconnect();
  }, 90_000);
});
