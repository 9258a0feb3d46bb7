import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OllamaStandin } from '@velvet/llm/ollama/testing';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody, Client } from './harness';
import {
  connectTelegram,
  inboxClient,
  postTelegram,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type Stack,
  type TelegramStack,
  type VelvetProcess,
} from './stack';

const TOKEN = '7700000001:AAH-drafting-test-bot-token-for-tests-01';

/** Scripted replies by the fan's last message, so each test knows what the "model" says. */
function reply(request: { messages?: { role: string; content: string }[] }): string {
  const prompt = request.messages?.map((m) => m.content).join('\n') ?? '';
  if (prompt.includes('appelle-moi')) return 'Appelle-moi au 06 12 34 56 78 😘';
  if (prompt.includes('deuxième message')) return 'Je réponds à tes deux messages, mon cœur.';
  return 'Coucou toi ! Ça me fait super plaisir de te lire, tu passes une bonne journée ?';
}

/** Drafting end to end: Telegram and Ollama stand-ins, separate hub and workers processes. */
describe('LLM drafts stream into the inbox and wait for a human or go out by policy', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];

  const say = (chatId: number, text: string) => env.say(chatId, text);
  const doneFor = (conversationId: string) =>
    until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      15_000,
      'draft:done',
    );
  const conversationOf = async (text: string) =>
    (
      await until(
        () => events.find((e) => e.event === 'message:new' && e.payload.message.text === text),
        10_000,
        `message "${text}"`,
      )
    ).payload.conversationId as string;

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 200, reply },
      creator: { name: 'Draft' },
      fanName: 'Noa',
    });
    ({ telegram, ollama, stack, hub, admin } = env);
    socket = await inboxClient(hub.url!, admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await env?.destroy();
  });

  it('streams the draft in coalesced chunks that add up to the final text, then holds it for approval', async () => {
    await say(4001, 'coucou toi');
    const conversationId = await conversationOf('coucou toi');
    const start = await until(() =>
      events.find((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId),
    );
    expect(start.payload).toMatchObject({ model: 'llama2:7b' });
    const done = await doneFor(conversationId);
    const chunks = events
      .filter((e) => e.event === 'draft:token' && e.payload.draftId === start.payload.draftId)
      .map((e) => e.payload.text);
    expect(chunks.join('')).toBe(done.payload.text);
    expect(done.payload).toMatchObject({ status: 'pending_approval', intent: 'greeting', text: reply({}) });
    const tokens = ollama.chunksSent.at(-1)!.filter((c) => c.content).length;
    expect(chunks.length).toBeLessThan(tokens);
    // Nothing reached the fan: the default policy waits for a human.
    expect(telegram.sent.filter((m) => String(m.chat_id) === '4001')).toHaveLength(0);
    const [stored] = await stack.query<{ timings: Record<string, number>; generated_by: string }>(
      `select timings, generated_by from drafts where id = '${start.payload.draftId}'`,
    );
    expect(stored!.generated_by).toBe('llm');
    expect(stored!.timings).toMatchObject({
      evalCount: expect.any(Number),
      tokensPerSecond: expect.any(Number),
      timeToFirstTokenMs: expect.any(Number),
    });
  });

  it('sends an approved, edited draft once, with the AI disclosure first', async () => {
    await say(4002, 'salut ma belle');
    const conversationId = await conversationOf('salut ma belle');
    const done = await doneFor(conversationId);
    // The person sees, before approving, the notice that will go first.
    const notice = "Petite précision : certaines de mes réponses sont préparées avec l'aide d'une IA.";
    expect(done.payload.preview).toEqual({ disclosure: notice });
    expect((await admin.get(`/api/conversations/${conversationId}`)).body.draft.preview).toEqual({
      disclosure: notice,
    });
    const ack = await socket.emitWithAck('draft:approve', {
      draftId: done.payload.draftId,
      text: 'Coucou toi, contente de te lire 😘',
    });
    expect(ack).toMatchObject({ ok: true, messageId: expect.any(String) });
    const delivered = await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '4002'),
      10_000,
      'the approved reply',
    );
    expect(delivered.text).toBe(`${notice}\n\nCoucou toi, contente de te lire 😘`);
    // The thread shows the message as the fan received it.
    const sent = await until(() =>
      events.find((e) => e.event === 'message:sent' && ack.ok && e.payload.messageId === ack.messageId),
    );
    expect(sent.payload.text).toBe(delivered.text);
    const again = await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await new Promise((r) => setTimeout(r, 1000));
    expect(telegram.sent.filter((m) => String(m.chat_id) === '4002')).toHaveLength(1);
    const [stored] = await stack.query<{ status: string; edited_text: string }>(
      `select status, edited_text from drafts where id = '${done.payload.draftId}'`,
    );
    expect(stored).toEqual({ status: 'approved', edited_text: 'Coucou toi, contente de te lire 😘' });
  });

  it('blocks a draft that gives a phone number, and lets a human reject it', async () => {
    await say(4003, 'appelle-moi stp');
    const conversationId = await conversationOf('appelle-moi stp');
    const done = await doneFor(conversationId);
    expect(done.payload.status).toBe('blocked');
    expect(done.payload.reasons).toContain('contact_details');
    expect(
      await socket.emitWithAck('draft:reject', { draftId: done.payload.draftId, reason: 'numéro' }),
    ).toEqual({ ok: true });
    expect(telegram.sent.filter((m) => String(m.chat_id) === '4003')).toHaveLength(0);
  });

  it('aborts a running draft when the fan writes again and redrafts with both messages', async () => {
    ollama.setTokensPerSecond(4);
    await say(4004, 'hello toi');
    const conversationId = await conversationOf('hello toi');
    const first = await until(() =>
      events.find((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId),
    );
    await until(
      () => events.find((e) => e.event === 'draft:token' && e.payload.draftId === first.payload.draftId),
      10_000,
      'first tokens',
    );
    ollama.setTokensPerSecond(200);
    await say(4004, 're coucou, deuxième message');
    await until(
      () => events.find((e) => e.event === 'draft:superseded' && e.payload.draftId === first.payload.draftId),
      10_000,
      'draft:superseded',
    );
    const done = await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      15_000,
      'the new draft',
    );
    expect(done.payload.draftId).not.toBe(first.payload.draftId);
    expect(done.payload.text).toBe('Je réponds à tes deux messages, mon cœur.');
    await until(() => ollama.aborted >= 1 || undefined, 5000, 'the first stream aborted');
    const lastPrompt = JSON.stringify(ollama.requests.filter((r) => r.path === '/api/chat').at(-1)!.body);
    expect(lastPrompt).toContain('hello toi');
    expect(lastPrompt).toContain('re coucou, deuxième message');
  });

  it('falls back to the intent’s template within 2 s when Ollama is down, and alerts supervisors', async () => {
    ollama.down();
    try {
      const sentAt = Date.now();
      await say(4005, 'coucou, tu vas bien ?');
      const conversationId = await conversationOf('coucou, tu vas bien ?');
      const done = await doneFor(conversationId);
      expect(Date.now() - sentAt).toBeLessThan(2000 + 1000);
      expect(done.payload.text).toBe('Coucou 😘 Contente de te lire ! Comment tu vas ?');
      await until(
        () => events.find((e) => e.event === 'alert' && e.payload.kind === 'llm_down'),
        5000,
        'llm_down alert',
      );
    } finally {
      ollama.up();
    }
  });

  it('falls back when the stream stalls', async () => {
    ollama.failNext({ stallAfterTokens: 2 });
    await say(4006, 'coucou ma belle');
    const conversationId = await conversationOf('coucou ma belle');
    const done = await doneFor(conversationId);
    expect(done.payload.text).toBe('Coucou 😘 Contente de te lire ! Comment tu vas ?');
    const [stored] = await stack.query<{ generated_by: string }>(
      `select generated_by from drafts where id = '${done.payload.draftId}'`,
    );
    expect(stored!.generated_by).toBe('fallback');
  });

  it('sends on its own when the creator’s policy is auto and the intent is clear', async () => {
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Auto'),
      market: 'US',
      quietHours: { start: '00:00', end: '00:00' },
      sendPolicy: { '*': { '*': 'auto' }, onlyfans: { '*': 'auto' } },
    });
    expect(creator.body.sendPolicy).toEqual({ '*': { '*': 'auto' }, onlyfans: { '*': 'auto' } });
    const invalid = await admin.patch(`/api/creators/${creator.body.id}`, {
      sendPolicy: { telegram: { greeting: 'always' } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.message).toMatch(/^sendPolicy\.telegram\.greeting: /);
    const connected = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    await postTelegram(
      hub.url!,
      connected.accountId,
      connected.secret,
      telegramUpdates.text({
        updateId: env.nextUpdateId(),
        chatId: 4007,
        fromId: 4007,
        text: 'coucou toi',
        languageCode: 'fr',
      }),
    );
    const delivered = await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '4007'),
      15_000,
      'the auto-sent draft',
    );
    expect(delivered.text).toBe(reply({}));
    const done = await until(() =>
      events.find(
        (e) => e.event === 'draft:done' && e.payload.text === reply({}) && e.payload.status === 'auto_sent',
      ),
    );
    expect(done).toBeDefined();
  });

  it('exposes drafts, LLM speed, response times and queues to supervisors, not to chatters', async () => {
    const json = await admin.get('/api/metrics');
    expect(json.status).toBe(200);
    expect(json.body.drafts).toMatchObject({ approved: 1, rejected: 1, superseded: 1 });
    expect(json.body.fallbacks).toBeGreaterThanOrEqual(2);
    expect(json.body.llm.ttftMs.count).toBeGreaterThanOrEqual(3);
    expect(json.body.responseTimeMs.count).toBeGreaterThanOrEqual(2);
    expect(json.body.queues['outbound.send']).toMatchObject({
      waiting: expect.any(Number),
      active: expect.any(Number),
    });

    const text = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const body = await text.text();
    expect(body).toMatch(/^velvet_drafts\{status="approved"\} 1$/m);
    expect(body).toMatch(/^velvet_llm_time_to_first_token_ms\{quantile="0.5"\} [\d.]+$/m);
    expect(body).toMatch(/^velvet_queue_jobs\{queue="draft.generate",state="waiting"\} \d+$/m);
    expect((await fetch(`${hub.url}/metrics`)).status).toBe(401);

    await admin.post('/api/users', {
      email: 'metrics-chatter@test.velvet',
      password: 'chatter-password-123',
      role: 'chatter',
    });
    const chatter = new Client(hub.url!);
    await chatter.login('metrics-chatter@test.velvet', 'chatter-password-123');
    expect((await chatter.get('/api/metrics')).status).toBe(403);
  });
  // After the figures above: these retire drafts, which the metrics count.
  it('a person’s reply retires the waiting draft: it can no longer be approved', async () => {
    await say(4101, 'coucou, tu fais quoi ?');
    const conversationId = await conversationOf('coucou, tu fais quoi ?');
    const done = await doneFor(conversationId);
    expect(done.payload.status).toBe('pending_approval');

    const sent = await socket.emitWithAck('message:send', {
      conversationId,
      text: 'Je suis là, je te réponds moi-même',
    });
    expect(sent.ok).toBe(true);
    const retired = await until(() =>
      events.find((e) => e.event === 'draft:superseded' && e.payload.draftId === done.payload.draftId),
    );
    expect(retired.payload.reason).toBe('human_replied');
    const late = await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const detail = await admin.get(`/api/conversations/${conversationId}`);
    expect(detail.body.draft).toBeNull();

    await until(() => telegram.sent.find((m) => String(m.chat_id) === '4101'));
    await new Promise((r) => setTimeout(r, 500));
    expect(telegram.sent.filter((m) => String(m.chat_id) === '4101').map((m) => m.text)).toEqual([
      'Je suis là, je te réponds moi-même',
    ]);
  });

  it('assigning a person retires the draft too', async () => {
    await say(4102, 'hello toi');
    const conversationId = await conversationOf('hello toi');
    const done = await doneFor(conversationId);
    expect((await socket.emitWithAck('conversation:assign', { conversationId })).ok).toBe(true);
    const retired = await until(() =>
      events.find((e) => e.event === 'draft:superseded' && e.payload.draftId === done.payload.draftId),
    );
    expect(retired.payload.reason).toBe('assigned');
    expect((await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId })).ok).toBe(false);
  });

  it('escalation retires the draft and pauses drafting until the conversation is released', async () => {
    await say(4103, 'salut beauté');
    const conversationId = await conversationOf('salut beauté');
    const done = await doneFor(conversationId);
    expect((await socket.emitWithAck('conversation:escalate', { conversationId })).ok).toBe(true);
    const retired = await until(() =>
      events.find((e) => e.event === 'draft:superseded' && e.payload.draftId === done.payload.draftId),
    );
    expect(retired.payload.reason).toBe('escalated');

    // The fan writes again while a person has it: classified, shown, no draft queued.
    await say(4103, 'tu es là ?');
    const whileEscalated = await until(
      () =>
        events.find((e) => e.event === 'message:new' && e.payload.message.text === 'tu es là ?')?.payload
          .message.id as string | undefined,
    );
    await until(() =>
      events.find((e) => e.event === 'message:intent' && e.payload.messageId === whileEscalated),
    );
    const queued = await stack.query<{ n: number }>(
      `select count(*)::int as n from outbox where topic = 'draft.generate' and payload->>'messageId' = '${whileEscalated}'`,
    );
    expect(queued[0]!.n).toBe(0);
    expect(
      events.filter((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId),
    ).toHaveLength(1);

    // Released: the next message is drafted again.
    expect((await socket.emitWithAck('conversation:release', { conversationId })).ok).toBe(true);
    await say(4103, 'coucou de nouveau');
    await until(
      () =>
        events.filter((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId)
          .length === 2 || undefined,
      15_000,
      'a draft after release',
    );
  });
  it('never sends a held draft on a plain approve: only edited, or “send anyway”, which is audited', async () => {
    await say(4104, 'appelle-moi ce soir');
    const conversationId = await conversationOf('appelle-moi ce soir');
    const done = await doneFor(conversationId);
    expect(done.payload.status).toBe('blocked');
    // It waits on the approvals list like any other draft.
    const waiting = await admin.get('/api/drafts');
    expect(waiting.body.drafts.map((d: { id: string }) => d.id)).toContain(done.payload.draftId);
    expect((await admin.get('/api/drafts/stats')).body.held).toBeGreaterThanOrEqual(1);

    const plain = await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId });
    expect(plain).toMatchObject({ ok: false, error: { code: 'draft_held' } });
    if (!plain.ok) expect(plain.error.message).toMatch(/contact_details.*edit it, or send it anyway/);
    const same = await socket.emitWithAck('draft:approve', {
      draftId: done.payload.draftId,
      text: done.payload.text,
    });
    expect(same).toMatchObject({ ok: false, error: { code: 'draft_held' } });
    expect(telegram.sent.filter((m) => String(m.chat_id) === '4104')).toHaveLength(0);

    const anyway = await socket.emitWithAck('draft:approve', {
      draftId: done.payload.draftId,
      sendAnyway: true,
    });
    expect(anyway).toMatchObject({ ok: true });
    const sent = await until(() => telegram.sent.find((m) => String(m.chat_id) === '4104'));
    expect(sent.text).toContain(done.payload.text);
    const [audit] = await stack.query<{ data: { held: string[]; sentAnyway: boolean } }>(
      `select data from audit_log where action = 'draft.approve' and target_id = '${done.payload.draftId}'`,
    );
    expect(audit!.data).toMatchObject({ held: ['contact_details'], sentAnyway: true });
  });

  const inView = async (view: string, conversationId: string) =>
    (await admin.get(`/api/conversations?view=${view}`)).body.conversations.some(
      (c: { id: string }) => c.id === conversationId,
    ) as boolean;

  it('resolving retires the draft and planned follow-ups; the fan’s next message reopens it', async () => {
    await say(4105, 'bonsoir toi');
    const conversationId = await conversationOf('bonsoir toi');
    const done = await doneFor(conversationId);
    const [conversation] = await stack.query<{ creator_id: string; fan_id: string }>(
      `select creator_id, fan_id from conversations where id = '${conversationId}'`,
    );
    await stack.query(
      `insert into follow_ups (creator_id, conversation_id, fan_id, kind, due_at)
       values ('${conversation!.creator_id}', '${conversationId}', '${conversation!.fan_id}', 'suggestion', now() + interval '1 hour')`,
    );

    expect(await socket.emitWithAck('conversation:resolve', { conversationId })).toEqual({ ok: true });
    const retired = await until(() =>
      events.find((e) => e.event === 'draft:superseded' && e.payload.draftId === done.payload.draftId),
    );
    expect(retired.payload.reason).toBe('resolved');
    await until(() =>
      events.find(
        (e) =>
          e.event === 'conversation:update' &&
          e.payload.conversationId === conversationId &&
          e.payload.status === 'closed',
      ),
    );
    expect((await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId })).ok).toBe(false);
    const [followUp] = await stack.query<{ status: string; cancel_reason: string }>(
      `select status, cancel_reason from follow_ups where conversation_id = '${conversationId}'`,
    );
    expect(followUp).toEqual({ status: 'cancelled', cancel_reason: 'resolved' });
    expect(await inView('open', conversationId)).toBe(false);
    expect(await inView('resolved', conversationId)).toBe(true);
    const detail = await admin.get(`/api/conversations/${conversationId}`);
    expect(detail.body.conversation).toMatchObject({ status: 'closed', resolvedAt: expect.any(String) });

    // The fan writes again: back in the open inbox, with the AI, and drafted.
    await say(4105, 'tu es partie ?');
    await until(() =>
      events.find(
        (e) =>
          e.event === 'conversation:update' &&
          e.payload.conversationId === conversationId &&
          e.payload.status === 'bot',
      ),
    );
    expect(await inView('open', conversationId)).toBe(true);
    expect((await admin.get(`/api/conversations/${conversationId}`)).body.conversation.resolvedAt).toBeNull();
    await until(
      () =>
        events.filter((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId)
          .length === 2 || undefined,
      15_000,
      'a draft after reopening',
    );
  });

  it('snoozing takes a conversation out of the open inbox until its time or the fan’s next message', async () => {
    await say(4106, 'je repasse plus tard');
    const conversationId = await conversationOf('je repasse plus tard');
    const past = await socket.emitWithAck('conversation:snooze', {
      conversationId,
      until: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!past.ok) expect(past.error.message).toMatch(/until.*must be in the future/);

    const until1h = new Date(Date.now() + 3600_000).toISOString();
    expect(await socket.emitWithAck('conversation:snooze', { conversationId, until: until1h })).toEqual({
      ok: true,
    });
    expect(await inView('open', conversationId)).toBe(false);
    expect(await inView('snoozed', conversationId)).toBe(true);
    expect((await admin.get(`/api/conversations/${conversationId}`)).body.conversation.snoozedUntil).toBe(
      until1h,
    );

    // Its time comes: open again, with nothing to wake.
    await stack.query(
      `update conversations set snoozed_until = now() - interval '1 second' where id = '${conversationId}'`,
    );
    expect(await inView('open', conversationId)).toBe(true);

    // Snoozed again, then the fan writes: it wakes at once.
    expect((await socket.emitWithAck('conversation:snooze', { conversationId, until: until1h })).ok).toBe(
      true,
    );
    await say(4106, 'me revoilà');
    await until(async () => (await inView('open', conversationId)) || undefined, 10_000, 'awake');
    expect(
      (await admin.get(`/api/conversations/${conversationId}`)).body.conversation.snoozedUntil,
    ).toBeNull();
  });

  it('a person can say the fan is under 18: drafts retire, selling stops, only an admin clears it', async () => {
    await say(4107, 'coucou ma belle');
    const conversationId = await conversationOf('coucou ma belle');
    const done = await doneFor(conversationId);
    const marked = await admin.post(`/api/conversations/${conversationId}/mark-minor`, {});
    expect(marked.status).toBe(204);
    const retired = await until(() =>
      events.find((e) => e.event === 'draft:superseded' && e.payload.draftId === done.payload.draftId),
    );
    expect(retired.payload.reason).toBe('escalated');
    const detail = await admin.get(`/api/conversations/${conversationId}`);
    expect(detail.body.conversation.status).toBe('escalated');
    const fan = await admin.get(`/api/fans/${detail.body.conversation.fan.id}`);
    expect(fan.body.fan.minorSignalAt).toEqual(expect.any(String));
    const [audit] = await stack.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'fan.mark_minor' and data->>'conversationId' = '${conversationId}'`,
    );
    expect(audit!.n).toBe(1);

    // Released by mistake, asked for a pack: still nothing automated, nothing sold.
    expect((await socket.emitWithAck('conversation:release', { conversationId })).ok).toBe(true);
    await say(4107, 'tu as des packs pieds ?');
    const asked = await until(
      () =>
        events.find((e) => e.event === 'message:new' && e.payload.message.text === 'tu as des packs pieds ?')
          ?.payload.message.id as string | undefined,
    );
    await until(() => events.find((e) => e.event === 'message:intent' && e.payload.messageId === asked));
    const [queued] = await stack.query<{ n: number }>(
      `select count(*)::int as n from outbox where topic = 'draft.generate' and payload->>'messageId' = '${asked}'`,
    );
    expect(queued!.n).toBe(0);
    const [offers] = await stack.query<{ n: number }>(
      `select count(*)::int as n from offers where conversation_id = '${conversationId}'`,
    );
    expect(offers!.n).toBe(0);
  });
});
