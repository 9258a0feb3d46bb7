import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { Client, creatorBody } from './harness';
import { PushKeys, startPushService } from './push-service';
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

const TOKEN = '7700000015:AAH-activity-test-bot-token-for-tests-15';
const PASSWORD = 'a-long-enough-password';

/**
 * Issue 15, on real processes: two hubs and a workers process sharing PostgreSQL and Redis,
 * Telegram, Ollama and a push service as local stand-ins. What automation does is in the
 * activity log under "automation"; its alerts are stored for the people of the creator,
 * reach them live on whichever hub they are connected to, and as web push if they want it.
 */
describe('activity log and notifications across processes', () => {
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let push: Awaited<ReturnType<typeof startPushService>>;
  let stack: Stack;
  let hubA: VelvetProcess;
  let hubB: VelvetProcess;
  let admin: Client;
  let model: Client;
  let chatter: Client;
  let otherManager: Client;
  let creatorId: string;
  let account: { id: string; secret: string };
  let modelSocket: InboxClient;
  let modelEvents: { event: string; payload: any }[];
  const phone = new PushKeys();
  let updateId = 1;

  const say = (chatId: number, text: string, firstName: string) =>
    postTelegram(
      hubA.url!,
      account.id,
      account.secret,
      telegramUpdates.text({
        updateId: updateId++,
        chatId,
        fromId: chatId,
        text,
        languageCode: 'fr',
        firstName,
      }),
    );

  async function signIn(url: string, email: string) {
    const client = new Client(url);
    const response = await client.login(email, PASSWORD);
    expect(response.status).toBe(200);
    return client;
  }

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
          .replace('  allowed_hosts:\n', '  allowed_hosts:\n    - 127.0.0.1\n'),
    });
    hubA = await stack.start('hub', { VELVET_HUB_ID: 'hub-1' });
    hubB = await stack.start('hub', { VELVET_HUB_ID: 'hub-2' });
    await stack.start('workers');
    admin = await stack.admin(hubA.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Autopilot'),
      quietHours: { start: '00:00', end: '00:00' },
      sendPolicy: { '*': { greeting: 'auto' } },
    });
    expect(creator.status).toBe(201);
    creatorId = creator.body.id;
    const other = await admin.post('/api/creators', creatorBody('Elsewhere'));
    const connected = await connectTelegram(admin, telegram, TOKEN, creatorId);
    account = { id: connected.accountId, secret: connected.secret };
    for (const [email, role, scope] of [
      ['model@activity.test', 'model', creatorId],
      ['chatter@activity.test', 'chatter', creatorId],
      ['manager@activity.test', 'manager', other.body.id],
    ] as const) {
      const created = await admin.post('/api/users', {
        email,
        password: PASSWORD,
        role,
        creatorIds: [scope],
      });
      expect(created.status).toBe(201);
    }
    // The model works on hub B; everything the fans and automation do goes through hub A.
    model = await signIn(hubB.url!, 'model@activity.test');
    chatter = await signIn(hubA.url!, 'chatter@activity.test');
    otherManager = await signIn(hubA.url!, 'manager@activity.test');
    modelSocket = await inboxClient(hubB.url!, model.token);
    modelEvents = record(modelSocket);
  }, 120_000);

  afterAll(async () => {
    modelSocket?.disconnect();
    await stack?.destroy();
    await push?.close();
    await ollama?.close();
    await telegram?.close();
  });

  it('an auto-sent reply is in the activity log, by automation, linked to its conversation', async () => {
    expect((await say(7001, 'coucou', 'Noa')).status).toBe(200);
    await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '7001' && String(m.text).includes('contente')),
      20_000,
      'the auto-sent reply',
    );
    const entry = await until(
      async () => {
        const { body } = await admin.get(
          `/api/activity?actor=automation&action=draft.auto_send&creatorId=${creatorId}`,
        );
        return body.entries[0];
      },
      10_000,
      'the activity entry',
    );
    expect(entry).toMatchObject({
      action: 'draft.auto_send',
      actor: { kind: 'automation', id: null, email: null },
      creatorId,
      creatorName: 'autopilot_star',
      fan: { name: 'Noa' },
      data: { intent: 'greeting' },
    });
    const [conversation] = await stack.query<{ id: string }>(
      `select c.id from conversations c join fans f on f.id = c.fan_id where f.platform_user_id = '7001'`,
    );
    expect(entry.conversationId).toBe(conversation!.id);
    // The admin's own sign-in is there too, under their name, and only for admins.
    const logins = await admin.get('/api/activity?action=auth.login');
    expect(logins.body.entries.some((e: any) => e.actor.email === 'admin@test.velvet')).toBe(true);

    // A manager of another creator sees none of it; chatters and models may not read the log.
    const elsewhere = await otherManager.get('/api/activity');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.entries.every((e: any) => e.creatorId !== creatorId)).toBe(true);
    expect(elsewhere.body.entries.some((e: any) => e.action === 'auth.login')).toBe(false);
    expect((await otherManager.get(`/api/activity?creatorId=${creatorId}`)).status).toBe(403);
    expect((await chatter.get('/api/activity')).status).toBe(403);
    expect((await model.get('/api/activity')).status).toBe(403);
  });

  it('an alert raised by the workers is stored, reaches the model live on the other hub, and survives a reload', async () => {
    const subscribed = await model.post('/api/push/subscriptions', phone.json(`${push.origin}/push/model`));
    expect(subscribed.status).toBe(201);
    expect((await model.get('/api/notifications')).body.unread).toBe(0);

    expect((await say(7002, "j'ai 15 ans", 'Lou')).status).toBe(200);
    const live = await until(
      () => modelEvents.find((e) => e.event === 'notification:new'),
      20_000,
      'notification:new on hub B',
    );
    expect(live.payload.unread).toBe(1);
    expect(live.payload.notification).toMatchObject({
      kind: 'minor_signal',
      severity: 'critical',
      creatorName: 'autopilot_star',
      fan: { name: 'Lou' },
    });
    const conversationId = live.payload.notification.conversationId as string;
    expect(live.payload.notification.url).toBe(`/inbox?conversation=${conversationId}`);

    // A reload: a fresh sign-in on the other hub still finds it, unread.
    const reloaded = await signIn(hubA.url!, 'model@activity.test');
    const listed = await reloaded.get('/api/notifications');
    expect(listed.body.unread).toBe(1);
    expect(listed.body.notifications[0]).toMatchObject({
      kind: 'minor_signal',
      readAt: null,
      conversationId,
    });
    // Stored for the admin too, not for a manager of another creator.
    expect(
      (await admin.get('/api/notifications')).body.notifications.some((n: any) => n.kind === 'minor_signal'),
    ).toBe(true);
    expect((await otherManager.get('/api/notifications')).body.unread).toBe(0);

    // Minor alerts reach phones by default: one push, opening the conversation.
    const pushed = await until(() => push.requests.find((r) => r.path === '/push/model'), 10_000, 'the push');
    expect(JSON.parse(phone.decrypt(pushed.body))).toMatchObject({
      kind: 'notification',
      notificationKind: 'minor_signal',
      url: `/inbox?conversation=${conversationId}`,
    });

    // The escalation by the safety gate is in the log, by automation.
    const escalated = await admin.get(`/api/activity?actor=automation&action=conversation.escalate`);
    expect(escalated.body.entries.some((e: any) => e.conversationId === conversationId)).toBe(true);

    // Read on hub A: the model's socket on hub B hears the count go down.
    const read = await reloaded.post('/api/notifications/read', { ids: [live.payload.notification.id] });
    expect(read.body).toEqual({ read: [live.payload.notification.id], unread: 0 });
    const told = await until(
      () => modelEvents.find((e) => e.event === 'notification:read'),
      10_000,
      'notification:read on hub B',
    );
    expect(told.payload).toEqual({ ids: [live.payload.notification.id], unread: 0 });

    const acked = await model.post(`/api/notifications/${live.payload.notification.id}/ack`, {});
    expect(acked.status).toBe(200);
    expect(acked.body.notification.acknowledgedAt).toEqual(expect.any(String));
    // Someone else's notification is not found, whoever asks.
    expect((await chatter.post(`/api/notifications/${live.payload.notification.id}/ack`, {})).status).toBe(
      404,
    );
  });

  it('a person who turns a kind off gets it stored and live, but not as web push', async () => {
    const defaults = await model.get('/api/notifications/preferences');
    expect(defaults.body.push).toMatchObject({ draft: true, minor_signal: true, followup_sent: false });
    const bad = await model.put('/api/notifications/preferences', {
      push: { minor_signal: 'no', sms: true },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.map((f: any) => f.path)).toEqual(
      expect.arrayContaining(['push.minor_signal']),
    );
    const saved = await model.put('/api/notifications/preferences', { push: { minor_signal: false } });
    expect(saved.status).toBe(200);
    expect(saved.body.push).toMatchObject({ minor_signal: false, draft: true });

    const pushesBefore = push.requests.filter((r) => r.path === '/push/model').length;
    const seen = modelEvents.filter((e) => e.event === 'notification:new').length;
    expect((await say(7003, "j'ai 14 ans", 'Sacha')).status).toBe(200);
    await until(
      () => modelEvents.filter((e) => e.event === 'notification:new').length > seen,
      20_000,
      'the second alert, live',
    );
    expect((await model.get('/api/notifications?unread=true')).body.notifications[0].fan).toEqual({
      id: expect.any(String),
      name: 'Sacha',
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.requests.filter((r) => r.path === '/push/model')).toHaveLength(pushesBefore);

    // The same choice holds for replies waiting for approval.
    expect((await model.put('/api/notifications/preferences', { push: { draft: false } })).status).toBe(200);
    expect((await say(7004, 'tu es trop belle', 'Eli')).status).toBe(200);
    await until(
      async () => {
        const { body } = await model.get('/api/drafts?status=pending_approval');
        return body.drafts.find((d: any) => d.fanName === 'Eli');
      },
      20_000,
      'the draft waiting for approval',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(push.requests.filter((r) => r.path === '/push/model')).toHaveLength(pushesBefore);
  });
});
