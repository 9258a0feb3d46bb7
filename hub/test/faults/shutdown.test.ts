import { afterEach, describe, expect, it } from 'vitest';
import { creatorBody } from '../harness';
import { inboxClient, Stack, until, type InboxClient } from '../stack';

/**
 * Injected: Ctrl-C (SIGINT) and SIGTERM while operators' browsers are connected, fans keep
 * writing and drafts are being written. Survives: the process stops on its own, exit code 0,
 * and prints no error: nothing it still had in hand runs into a closed connection.
 */
describe('fault: stopping a busy process', () => {
  let stack: Stack | undefined;

  afterEach(async () => {
    await stack?.destroy();
    stack = undefined;
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops cleanly on %s with browsers connected and fans writing',
    async (signal) => {
      stack = await Stack.create({ env: { LOG_LEVEL: 'info' } });
      const velvet = await stack.start('all');
      const admin = await stack.admin(velvet.url!);
      const creator = await admin.post('/api/creators', {
        ...creatorBody('Shutdown'),
        quietHours: { start: '00:00', end: '00:00' },
      });
      const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
        platform: 'sandbox',
        credentials: { token: 'sandbox-shutdown-token' },
      });
      expect(account.status).toBe(201);

      const sockets: InboxClient[] = [];
      for (let i = 0; i < 5; i++) sockets.push(await inboxClient(velvet.url!, admin.token));
      let received = 0;
      for (const socket of sockets) socket.on('message:new', () => received++);

      let writing = true;
      const fans = Array.from({ length: 4 }, async (_, fan) => {
        for (let n = 0; writing; n++) {
          await fetch(`${velvet.url}/webhooks/sandbox/${account.body.id}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-velvet-sandbox-token': 'sandbox-shutdown-token',
            },
            body: JSON.stringify({
              id: `${fan}-${n}`,
              chatId: `chat-${fan}`,
              from: { id: `fan-${fan}`, name: `Fan ${fan}`, language: 'en' },
              text: n % 2 ? 'hello there' : 'what do you have for me',
            }),
          }).catch(() => undefined);
        }
      });
      await until(() => received >= 50 || undefined, 20_000, 'traffic before the signal');

      const code = await velvet.stop(signal);
      writing = false;
      await Promise.all(fans);
      for (const socket of sockets) socket.disconnect();

      const output = velvet.output();
      expect(code).toBe(0);
      expect(output).toContain('stopped');
      // pino's level 50 (error) and 60 (fatal), and anything Node prints when it crashes.
      const errors = output
        .split('\n')
        .filter((line) => /"level":(50|60)|Error:|Unhandled|at .*\.js:\d+/.test(line));
      expect(errors).toEqual([]);
    },
    90_000,
  );
});
