import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from './harness';
import { creatorBody } from './harness';
import { inboxClient, Stack, until, type VelvetProcess } from './stack';

const TOKEN = 'archive-sandbox-token';

/**
 * What the panel saves is what the workers do, against real hub and workers processes: the
 * welcome delay set in the automation settings, and an archived creator whose fans are still
 * heard while nothing automated answers them.
 */
describe('archived creators and automation settings, end to end', () => {
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  let serial = 0;
  let waitingDraft: { id: string; status: string } | undefined;

  const post = async (fan: string, body: Record<string, unknown>) => {
    const response = await fetch(`${hub.url}/webhooks/sandbox/${accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': TOKEN },
      body: JSON.stringify({ id: `m${++serial}`, chatId: fan, from: { id: fan, name: fan }, ...body }),
    });
    expect(response.status).toBeLessThan(300);
  };
  /** Waits until the workers classified the fan's latest message, then reads the database. */
  const processed = async (fan: string) =>
    until(
      async () => {
        const [row] = await stack.query<{ id: string; intent: string | null; conversation_id: string }>(
          `select m.id, m.intent, m.conversation_id from messages m
             join conversations c on c.id = m.conversation_id
             where c.platform_chat_id = '${fan}' and m.direction = 'in'
             order by m.created_at desc limit 1`,
        );
        return row?.intent ? row : undefined;
      },
      20_000,
      `${fan}'s message processed`,
    );
  const draftsFor = (messageId: string) =>
    stack.query<{ id: string }>(`select id from drafts where message_id = '${messageId}'`);
  const followUpsOf = (conversationId: string) =>
    stack.query<{ kind: string; status: string; cancel_reason: string | null; delay: number }>(
      `select kind, status, cancel_reason,
              extract(epoch from (due_at - created_at))::float as delay
         from follow_ups where conversation_id = '${conversationId}'`,
    );

  beforeAll(async () => {
    stack = await Stack.create();
    hub = await stack.start('hub');
    await stack.start('workers');
    admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Nova'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    creatorId = creator.body.id;
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: TOKEN },
    });
    accountId = account.body.id;
  }, 120_000);
  afterAll(() => stack?.destroy());

  it('plans the welcome after the delay the automation settings saved, not the config’s', async () => {
    const saved = await admin.patch(`/api/creators/${creatorId}`, {
      automation: { welcomeDelaySeconds: 600 },
    });
    expect(saved.status).toBe(200);
    await post('sub-1', { event: 'subscriber' });
    const { conversation_id } = await processed('sub-1');
    const [welcome] = await until(async () => {
      const rows = await followUpsOf(conversation_id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(welcome).toMatchObject({ kind: 'welcome', status: 'pending' });
    // 600 s from the form; the config says 30 s for this platform.
    expect(welcome!.delay).toBeGreaterThan(598);
    expect(welcome!.delay).toBeLessThan(602);
  });

  it('a working creator’s fan gets an AI draft', async () => {
    await post('fan-a', { text: 'coucou, tu vas bien ?' });
    const message = await processed('fan-a');
    [waitingDraft] = await until(
      async () => {
        const rows = await stack.query<{ id: string; status: string }>(
          `select id, status from drafts where message_id = '${message.id}' and status <> 'drafting'`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      20_000,
      'a draft',
    );
    // This creator's policy holds drafts for a person (the next test withdraws it).
    expect(waitingDraft!.status).toBe('pending_approval');
  });

  it('archived: the fan’s message is stored and shown, nothing automated answers, planned follow-ups stop', async () => {
    await admin.patch(`/api/creators/${creatorId}`, { automation: { welcomeDelaySeconds: 1 } });
    await post('sub-2', { event: 'subscriber' });
    const planned = await processed('sub-2');
    const socket = await inboxClient(hub.url!, admin.token);
    const withdrawn = new Promise<unknown>((resolve) => socket.once('draft:superseded', resolve));
    expect((await admin.post(`/api/creators/${creatorId}/archive`)).status).toBe(200);

    // The draft waiting for a person is withdrawn: approving it would send an automated reply.
    expect(await withdrawn).toMatchObject({ draftId: waitingDraft!.id, reason: 'archived' });
    const approved = await socket.emitWithAck('draft:approve', { draftId: waitingDraft!.id });
    expect(approved.ok).toBe(false);
    expect((await admin.get(`/api/drafts/${waitingDraft!.id}`)).body.draft.status).toBe('superseded');
    socket.disconnect();

    await post('fan-b', { text: 'tu es là ? je voudrais ton pack pieds' });
    await post('sub-3', { event: 'subscriber' });
    const message = await processed('fan-b');
    const subscribed = await processed('sub-3');

    // Shown to the operators like any other message.
    const thread = await admin.get(`/api/conversations/${message.conversation_id}/messages`);
    expect(thread.body.messages.map((m: { text: string }) => m.text)).toContain(
      'tu es là ? je voudrais ton pack pieds',
    );
    const listed = await admin.get('/api/conversations?limit=50');
    expect(listed.body.conversations.map((c: { id: string }) => c.id)).toContain(message.conversation_id);

    // The welcome planned before archiving is cancelled when due; none is planned after.
    const [cancelled] = await until(
      async () => {
        const rows = await followUpsOf(planned.conversation_id);
        return rows[0]?.status === 'cancelled' ? rows : undefined;
      },
      20_000,
      'the planned welcome cancelled',
    );
    expect(cancelled).toMatchObject({ kind: 'welcome', cancel_reason: 'archived' });
    expect(await followUpsOf(subscribed.conversation_id)).toEqual([]);
    // No draft, no offer, no automated message at all for the archived creator's fans.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await draftsFor(message.id)).toEqual([]);
    const automated = await stack.query(
      `select m.id from messages m where m.direction = 'out' and m.conversation_id in
         ('${message.conversation_id}', '${subscribed.conversation_id}', '${planned.conversation_id}')`,
    );
    expect(automated).toEqual([]);
    expect(
      await stack.query(`select id from offers where conversation_id = '${message.conversation_id}'`),
    ).toEqual([]);
  });

  it('unarchived: automation answers again', async () => {
    expect((await admin.post(`/api/creators/${creatorId}/unarchive`)).status).toBe(200);
    await post('fan-c', { text: 'salut, tu fais quoi ce soir ?' });
    const message = await processed('fan-c');
    await until(async () => (await draftsFor(message.id)).length > 0, 20_000, 'a draft after unarchiving');
  });
});
