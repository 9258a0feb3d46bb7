import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { deriveSecrets, resolveVapidKeys } from '@velvet/shared';
import { Client, creatorBody } from './harness';
import { PushKeys, startPushService, verifyVapid } from './push-service';
import { connectTelegram, postTelegram, Stack, until, type VelvetProcess } from './stack';

const TOKEN = '7700000002:AAH-push-test-bot-token-for-the-tests-02';
const QUIET_WINDOW_MS = 4000;

/**
 * Web push end to end: separate hub and workers processes, Telegram and Ollama stand-ins, and
 * a loopback push service that checks VAPID and decrypts like a browser's would.
 */
describe('a draft waiting for approval reaches the phones of those who may approve it', () => {
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let push: Awaited<ReturnType<typeof startPushService>>;
  let stack: Stack;
  let hub: VelvetProcess;
  let account: { id: string; secret: string };
  let model: Client;
  let otherModel: Client;
  let publicKey: string;
  const phone = new PushKeys();
  const otherPhone = new PushKeys();
  let updateId = 1;

  const say = (chatId: number, text: string) =>
    postTelegram(
      hub.url!,
      account.id,
      account.secret,
      telegramUpdates.text({
        updateId: updateId++,
        chatId,
        fromId: chatId,
        text,
        languageCode: 'fr',
        firstName: 'Noa',
      }),
    );
  const pushesTo = (path: string) => push.requests.filter((r) => r.path === path);
  const pendingDraft = (fanText: string) =>
    until(
      async () => {
        const { body } = await model.get('/api/drafts?status=pending_approval');
        return body.drafts.find((d: any) => d.fanMessages.some((m: any) => m.text === fanText));
      },
      15_000,
      `the pending draft for "${fanText}"`,
    );

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    ollama = await startOllamaStandin({
      tokensPerSecond: 400,
      reply: () => 'Coucou toi, contente de te lire !',
    });
    push = await startPushService();
    stack = await Stack.create({
      env: { TELEGRAM_API_ROOT: telegram.apiRoot, OLLAMA_HOST: ollama.url },
      config: (yaml) =>
        yaml
          .replace('  allow_http: false', '  allow_http: true')
          .replace('  allowed_hosts:\n', '  allowed_hosts:\n    - 127.0.0.1\n')
          .replace('  quiet_window: 60s', `  quiet_window: ${QUIET_WINDOW_MS}ms`),
    });
    hub = await stack.start('hub');
    await stack.start('workers');
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Pushy'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const other = await admin.post('/api/creators', creatorBody('Other'));
    const connected = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    account = { id: connected.accountId, secret: connected.secret };
    for (const [email, creatorId] of [
      ['model@push.test', creator.body.id],
      ['other@push.test', other.body.id],
    ]) {
      const created = await admin.post('/api/users', {
        email,
        password: 'model-password-123',
        role: 'model',
        creatorIds: [creatorId],
      });
      expect(created.status).toBe(201);
    }
    model = new Client(hub.url!);
    await model.login('model@push.test', 'model-password-123');
    otherModel = new Client(hub.url!);
    await otherModel.login('other@push.test', 'model-password-123');
  }, 120_000);

  afterAll(async () => {
    if (process.env.PUSH_TEST_LOGS) for (const p of stack?.processes ?? []) console.log(p.output());
    await stack?.destroy();
    await push?.close();
    await ollama?.close();
    await telegram?.close();
  });

  it('hands out the VAPID public key and validates subscriptions', async () => {
    const key = await model.get('/api/push/vapid-public-key');
    expect(key.status).toBe(200);
    publicKey = key.body.publicKey;
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(JSON.stringify(key.body)).not.toMatch(/private/i);
    expect((await new Client(hub.url!).get('/api/push/vapid-public-key')).status).toBe(401);

    const elsewhere = await model.post('/api/push/subscriptions', phone.json('https://push.evil.test/x'));
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.message).toMatch(/^endpoint: /);
    const badKey = await model.post('/api/push/subscriptions', {
      ...phone.json(`${push.origin}/push/phone`),
      keys: { p256dh: 'short', auth: phone.auth.toString('base64url') },
    });
    expect(badKey.status).toBe(422);
    expect(badKey.body.error.message).toMatch(/keys\.p256dh/);

    expect(
      (await model.post('/api/push/subscriptions', phone.json(`${push.origin}/push/phone`))).status,
    ).toBe(201);
    // Subscribing again (a page reload) keeps one row.
    expect(
      (await model.post('/api/push/subscriptions', phone.json(`${push.origin}/push/phone`))).status,
    ).toBe(201);
    const other = await otherModel.post(
      '/api/push/subscriptions',
      otherPhone.json(`${push.origin}/push/other`),
    );
    expect(other.status).toBe(201);
    const rows = await stack.query<{ n: number }>('select count(*)::int as n from push_subscriptions');
    expect(rows[0]!.n).toBe(2);
  });

  it('pushes an encrypted, VAPID-signed notification that opens the draft’s card', async () => {
    expect((await say(5001, 'coucou toi')).status).toBe(200);
    const draft = await pendingDraft('coucou toi');
    const [request] = await until(
      () => pushesTo('/push/phone').length > 0 && pushesTo('/push/phone'),
      10_000,
      'the push',
    );
    expect(request!.headers['content-encoding']).toBe('aes128gcm');
    expect(request!.headers.urgency).toBe('high');
    expect(Number(request!.headers.ttl)).toBe(3600);
    const { claims, key } = verifyVapid(request!.headers.authorization, push.origin);
    expect(key).toBe(publicKey);
    expect(claims.sub).toMatch(/^(mailto:|https:)/);

    const payload = JSON.parse(phone.decrypt(request!.body));
    expect(payload).toMatchObject({
      kind: 'draft',
      draftId: draft.id,
      url: `/approvals#draft-${draft.id}`,
      creatorName: 'pushy_star',
      fanName: 'Noa',
      text: 'coucou toi',
    });
    // Someone who works for another creator hears nothing about this draft.
    await new Promise((r) => setTimeout(r, 500));
    expect(pushesTo('/push/other')).toHaveLength(0);
    // The keys come from the deployment secret, the same in every process; the private half
    // and the subscription's secrets appear in no log line.
    const vapid = resolveVapidKeys({}, deriveSecrets(stack.env.VELVET_SECRET!).jwtKey);
    expect(vapid.publicKey).toBe(publicKey);
    for (const p of stack.processes) {
      expect(p.output()).not.toContain(vapid.privateKey);
      expect(p.output()).not.toContain(phone.auth.toString('base64url'));
    }
  });

  it('coalesces a burst: one digest at the end of the quiet window, not one push per draft', async () => {
    const before = pushesTo('/push/phone').length;
    const firstAt = pushesTo('/push/phone').at(-1)!.at;
    const burst = ['salut ma belle', 'hello toi', 'coucou, tu vas bien ?'];
    await Promise.all(burst.map((text, i) => say(5002 + i, text)));
    await Promise.all(burst.map(pendingDraft));
    const digest = await until(
      () => pushesTo('/push/phone').length > before && pushesTo('/push/phone').at(-1),
      QUIET_WINDOW_MS + 10_000,
      'the digest',
    );
    expect(digest.at - firstAt).toBeGreaterThanOrEqual(QUIET_WINDOW_MS - 500);
    expect(JSON.parse(phone.decrypt(digest.body))).toMatchObject({
      kind: 'digest',
      count: 3,
      url: '/approvals',
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(pushesTo('/push/phone')).toHaveLength(before + 1);
  });

  it('deletes a subscription the push service says is gone (410)', async () => {
    push.answer('/push/phone', 410);
    // After the quiet window, the next draft is pushed at once.
    await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS + 200));
    const before = pushesTo('/push/phone').length;
    await say(5005, 'tu es là ?');
    await pendingDraft('tu es là ?');
    await until(() => pushesTo('/push/phone').length > before, 10_000, 'the refused push');
    await until(
      async () =>
        (
          await stack.query<{ n: number }>(
            `select count(*)::int as n from push_subscriptions where endpoint like '%/push/phone'`,
          )
        )[0]!.n === 0,
      5000,
      'the subscription to be deleted',
    );
  });

  it('keeps an endpoint with the user who registered it first', async () => {
    const endpoint = `${push.origin}/push/owned`;
    const owner = () =>
      stack.query<{ user_id: string; p256dh: string }>(
        `select user_id, p256dh from push_subscriptions where endpoint = '${endpoint}'`,
      );
    expect((await model.post('/api/push/subscriptions', new PushKeys().json(endpoint))).status).toBe(201);
    const before = await owner();
    const taken = await otherModel.post('/api/push/subscriptions', new PushKeys().json(endpoint));
    expect(taken.status).toBe(409);
    expect(await owner()).toEqual(before);
    expect((await model.request('DELETE', '/api/push/subscriptions', { endpoint })).status).toBe(204);
  });

  it('unsubscribes a device on request, and only the caller’s own', async () => {
    const endpoint = `${push.origin}/push/other`;
    const foreign = await model.request('DELETE', '/api/push/subscriptions', { endpoint });
    expect(foreign.status).toBe(204);
    expect(
      (await stack.query<{ n: number }>('select count(*)::int as n from push_subscriptions'))[0]!.n,
    ).toBe(1);
    expect((await otherModel.request('DELETE', '/api/push/subscriptions', { endpoint })).status).toBe(204);
    expect(
      (await stack.query<{ n: number }>('select count(*)::int as n from push_subscriptions'))[0]!.n,
    ).toBe(0);
  });

  it('caps the devices one person registers', async () => {
    const device = (n: number) => new PushKeys().json(`${push.origin}/push/device-${n}`);
    for (let n = 0; n < 10; n++)
      expect((await model.post('/api/push/subscriptions', device(n))).status).toBe(201);
    const eleventh = await model.post('/api/push/subscriptions', device(10));
    expect(eleventh.status).toBe(400);
    expect(eleventh.body.error.message).toMatch(/At most 10 devices/);
    // The same device again is an update, not an eleventh.
    expect((await model.post('/api/push/subscriptions', device(3))).status).toBe(201);
  });
});
