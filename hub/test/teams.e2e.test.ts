import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, creatorBody } from './harness';
import { inboxClient, record, Stack, until, type InboxClient, type VelvetProcess } from './stack';

const TOKEN = 'teams-sandbox-token';
const PASSWORD = 'a-long-enough-password';
const CONVERSATIONS = 60;
const CAPACITY = 5;

/**
 * Auto-assignment with two real hub processes on one database and one Redis: both sweep every
 * 50 ms and on every shift change and socket connection, so their passes overlap all the time.
 */
describe('auto-assignment across two hubs', () => {
  let stack: Stack;
  let hubs: VelvetProcess[];
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  const chatters: { email: string; id: string; client: Client; socket?: InboxClient; hub: string }[] = [];
  const sockets: InboxClient[] = [];

  const held = async () =>
    stack.query<{ assigned_to: string; n: number }>(
      `select assigned_to, count(*)::int as n from conversations
       where assigned_to is not null and status <> 'closed' group by assigned_to`,
    );
  const waitingCount = async () =>
    (
      await stack.query<{ n: number }>(
        `select count(*)::int as n from conversations where assigned_to is null and status = 'escalated'`,
      )
    )[0]!.n;

  async function fanWrites(index: number) {
    const response = await fetch(`${hubs[index % 2]!.url}/webhooks/sandbox/${accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': TOKEN },
      body: JSON.stringify({
        id: `m-${index}`,
        chatId: `chat-${index}`,
        from: { id: `fan-${index}`, name: `Fan ${index}` },
        text: 'I want to talk to a real person please',
      }),
    });
    expect(response.status).toBeLessThan(300);
  }

  beforeAll(async () => {
    stack = await Stack.create({ env: { LOG_LEVEL: 'warn', VELVET_ASSIGN_SWEEP_MS: '50' } });
    hubs = await Promise.all([
      stack.start('hub', { VELVET_HUB_ID: 'hub-1' }),
      stack.start('hub', { VELVET_HUB_ID: 'hub-2' }),
    ]);
    admin = await stack.admin(hubs[0]!.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Shift'))).body.id;
    accountId = (
      await admin.post(`/api/creators/${creatorId}/accounts`, {
        platform: 'sandbox',
        credentials: { token: TOKEN },
      })
    ).body.id;
    for (let i = 0; i < 5; i++) {
      const email = `chatter-${i}@teams.velvet`;
      const created = await admin.post('/api/users', {
        email,
        password: PASSWORD,
        role: 'chatter',
        creatorIds: [creatorId],
      });
      expect(created.status).toBe(201);
      const hub = hubs[i % 2]!.url!;
      const client = new Client(hub);
      await client.login(email, PASSWORD);
      chatters.push({ email, id: created.body.id, client, hub });
    }
    for (let i = 0; i < CONVERSATIONS; i++) await fanWrites(i);
    await until(
      async () =>
        (await admin.get('/api/conversations?limit=200')).body.conversations.length === CONVERSATIONS,
    );
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stack?.destroy();
  });

  it('refuses team changes to chatters, and members who do not work for the creator', async () => {
    const chatter = chatters[0]!.client;
    expect(
      (await chatter.put(`/api/creators/${creatorId}/assignment`, { strategy: 'round_robin', members: [] }))
        .status,
    ).toBe(403);
    expect((await chatter.get(`/api/creators/${creatorId}/assignment`)).status).toBe(403);
    expect((await chatter.get('/api/assignment/queue')).status).toBe(403);
    const other = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    const outsider = await admin.post('/api/users', {
      email: 'outsider@teams.velvet',
      password: PASSWORD,
      role: 'chatter',
      creatorIds: [other],
    });
    const refused = await admin.put(`/api/creators/${creatorId}/assignment`, {
      strategy: 'least_loaded',
      members: [{ userId: outsider.body.id }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.fields[0].path).toBe('members.0.userId');
  });

  it('assigns each waiting conversation once, never past anyone’s capacity, with both hubs racing', async () => {
    const team = await admin.put(`/api/creators/${creatorId}/assignment`, {
      strategy: 'least_loaded',
      members: chatters.slice(0, 4).map((c) => ({ userId: c.id, capacity: CAPACITY })),
    });
    expect(team.status).toBe(200);
    expect(team.body.enabled).toBe(true);

    // A supervisor watching, and each of the four chatters with the inbox open on "their" hub.
    const watcher = await inboxClient(hubs[1]!.url!, admin.token);
    sockets.push(watcher);
    const seen = record(watcher);
    const mine = new Map<string, { event: string; payload: any }[]>();
    for (const c of chatters.slice(0, 4)) {
      c.socket = await inboxClient(c.hub, c.client.token);
      sockets.push(c.socket);
      mine.set(c.id, record(c.socket));
    }

    // What the escalation rules do (a fan asking for a person): every conversation waits.
    await stack.query(`update conversations set status = 'escalated', escalation_reason = 'human_request'`);
    // Nobody is on duty yet: they all wait, visibly, in the supervisors' queue.
    await new Promise((r) => setTimeout(r, 300));
    expect(await waitingCount()).toBe(CONVERSATIONS);
    const queue = await admin.get('/api/assignment/queue');
    expect(queue.status).toBe(200);
    expect(queue.body.waiting).toHaveLength(CONVERSATIONS);
    expect(queue.body.creators).toEqual([
      expect.objectContaining({ creatorId, waiting: CONVERSATIONS, onDuty: 0, online: 0 }),
    ]);

    // All four go on duty at once, through both hubs.
    const started = await Promise.all(
      chatters.slice(0, 4).map((c) => c.client.put('/api/me/shift', { onDuty: true })),
    );
    expect(started.map((r) => r.status)).toEqual([200, 200, 200, 200]);

    await until(
      async () => (await waitingCount()) === CONVERSATIONS - 4 * CAPACITY,
      20_000,
      'the slots filled',
    );
    // Both hubs keep sweeping; nothing more may move.
    await new Promise((r) => setTimeout(r, 800));
    expect(await waitingCount()).toBe(CONVERSATIONS - 4 * CAPACITY);
    const loads = await held();
    expect(loads.map((l) => l.n)).toEqual([CAPACITY, CAPACITY, CAPACITY, CAPACITY]);

    // Never twice: one automatic assignment per conversation, whichever hub made it.
    const audit = await stack.query<{ conversation_id: string; hub: string }>(
      `select conversation_id, data->>'hub' as hub from audit_log where action = 'conversation.auto_assign'`,
    );
    expect(audit).toHaveLength(4 * CAPACITY);
    expect(new Set(audit.map((a) => a.conversation_id)).size).toBe(4 * CAPACITY);
    const assignedUpdates = () =>
      seen.filter((e) => e.event === 'conversation:update' && e.payload.assignedTo);
    await until(() => assignedUpdates().length >= 4 * CAPACITY, 5000, 'every assignment announced');
    expect(new Set(assignedUpdates().map((e) => e.payload.conversationId)).size).toBe(
      assignedUpdates().length,
    );

    // Each chatter's inbox heard of its own assignments in real time.
    for (const c of chatters.slice(0, 4)) {
      const own = await until(
        () => {
          const got = mine
            .get(c.id)!
            .filter((e) => e.event === 'conversation:update' && e.payload.assignedTo === c.id);
          return got.length === CAPACITY && got;
        },
        5000,
        `${c.email} told of its conversations`,
      );
      expect(own.every((e) => e.payload.status === 'escalated')).toBe(true);
    }
    console.log(
      `auto-assign: ${audit.filter((a) => a.hub === 'hub-1').length} by hub-1, ${audit.filter((a) => a.hub === 'hub-2').length} by hub-2`,
    );

    const after = await admin.get('/api/assignment/queue');
    expect(after.body.creators[0]).toMatchObject({
      waiting: CONVERSATIONS - 4 * CAPACITY,
      onDuty: 4,
      online: 4,
    });
  }, 60_000);

  it('gives nothing to someone on duty with no inbox open, and work as soon as they open it', async () => {
    const late = chatters[4]!;
    const put = await admin.put(`/api/creators/${creatorId}/assignment`, {
      strategy: 'least_loaded',
      members: chatters.map((c) => ({ userId: c.id, capacity: CAPACITY })),
    });
    expect(put.body).toMatchObject({ enabled: true });
    expect(put.body.members).toHaveLength(5);
    const shift = await late.client.put('/api/me/shift', { onDuty: true });
    expect(shift.body).toMatchObject({ onDuty: true, capacity: CAPACITY, load: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect((await late.client.get('/api/me/shift')).body.load).toBe(0);
    const team = await admin.get(`/api/creators/${creatorId}/assignment`);
    expect(team.body.members.find((m: { userId: string }) => m.userId === late.id)).toMatchObject({
      onDuty: true,
      online: false,
      load: 0,
    });

    late.socket = await inboxClient(late.hub, late.client.token);
    sockets.push(late.socket);
    await until(
      async () => (await late.client.get('/api/me/shift')).body.load === CAPACITY,
      10_000,
      'work for the late one',
    );
  });

  it('hands a chatter’s conversations on when they go off duty, and keeps them waiting when nobody is free', async () => {
    const leaving = chatters[0]!;
    const before = (await held()).find((h) => h.assigned_to === leaving.id)!.n;
    expect(before).toBe(CAPACITY);
    const waitingBefore = await waitingCount();
    const off = await leaving.client.put('/api/me/shift', { onDuty: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ onDuty: false, load: 0, released: CAPACITY });
    // Everyone else is full: the released conversations join the queue, none is lost.
    await new Promise((r) => setTimeout(r, 500));
    expect(await waitingCount()).toBe(waitingBefore + CAPACITY);
    expect((await held()).find((h) => h.assigned_to === leaving.id)).toBeUndefined();

    // A supervisor makes room: someone resolves one conversation, the queue moves.
    const [oneOf] = await stack.query<{ id: string }>(
      `select id from conversations where assigned_to = '${chatters[1]!.id}' limit 1`,
    );
    const socket = chatters[1]!.socket!;
    const ack = await socket.emitWithAck('conversation:resolve', { conversationId: oneOf!.id });
    expect(ack.ok).toBe(true);
    await until(
      async () => (await waitingCount()) === waitingBefore + CAPACITY - 1,
      10_000,
      'the freed slot taken',
    );

    // Back on duty: they get a full share again.
    await leaving.client.put('/api/me/shift', { onDuty: true });
    await until(
      async () => (await leaving.client.get('/api/me/shift')).body.load === CAPACITY,
      10_000,
      'back at work',
    );
    const loads = await held();
    expect(Math.max(...loads.map((l) => l.n))).toBeLessThanOrEqual(CAPACITY);
  });

  it('hands a waiting conversation to someone by hand once, even with two supervisors racing', async () => {
    const queue = await admin.get('/api/assignment/queue');
    const conversationId: string = queue.body.waiting[0].conversationId;
    const [one, two] = [chatters[2]!, chatters[3]!];
    // Two supervisors on the two hubs, both seeing it waiting, pick different people at once.
    const other = await stack.admin(hubs[1]!.url!);
    const raced = await Promise.all([
      admin.put(`/api/assignment/conversations/${conversationId}`, { userId: one.id, from: null }),
      other.put(`/api/assignment/conversations/${conversationId}`, { userId: two.id, from: null }),
    ]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 409]);
    const won = raced.find((r) => r.status === 200)!;
    const lost = raced.find((r) => r.status === 409)!;
    const winner = won.body.assignedTo === one.id ? one : two;
    expect(won.body).toMatchObject({ conversationId, status: 'escalated', capacity: CAPACITY });
    // A hand assignment may pass the capacity: everyone was full.
    expect(won.body.load).toBe(CAPACITY + 1);
    expect(lost.body.error.message).toContain(winner.email);

    const after = await admin.get('/api/assignment/queue');
    expect(after.body.waiting.map((w: { conversationId: string }) => w.conversationId)).not.toContain(
      conversationId,
    );
    expect(
      after.body.assigned.find((a: { conversationId: string }) => a.conversationId === conversationId),
    ).toMatchObject({ assignedTo: { userId: winner.id, email: winner.email }, status: 'escalated' });

    // Reassigning names who has it now; a stale view is refused, not applied.
    const to = chatters[4]!;
    const stale = await admin.put(`/api/assignment/conversations/${conversationId}`, {
      userId: to.id,
      from: null,
    });
    expect(stale.status).toBe(409);
    const moved = await admin.put(`/api/assignment/conversations/${conversationId}`, {
      userId: to.id,
      from: winner.id,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.assignedTo).toBe(to.id);
    expect(moved.body.load).toBe(CAPACITY + 1);
    expect((await to.client.get('/api/me/shift')).body.load).toBe(CAPACITY + 1);
    const audit = await stack.query<{ by_hand: string }>(
      `select data->>'byHand' as by_hand from audit_log
       where action = 'conversation.assign' and conversation_id = '${conversationId}'`,
    );
    expect(audit).toHaveLength(2);

    // Chatters may not; nor may it go to someone who does not work for the creator.
    expect(
      (
        await one.client.put(`/api/assignment/conversations/${conversationId}`, {
          userId: one.id,
          from: to.id,
        })
      ).status,
    ).toBe(403);
    const outsider = await stack.query<{ id: string }>(
      `select id from users where email = 'outsider@teams.velvet'`,
    );
    const refused = await admin.put(`/api/assignment/conversations/${conversationId}`, {
      userId: outsider[0]!.id,
      from: to.id,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.fields[0].path).toBe('userId');
  });
});
