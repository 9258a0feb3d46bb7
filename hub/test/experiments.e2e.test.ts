import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OllamaStandin, StandinRequestBody } from '@velvet/llm/ollama/testing';
import { twoProportionTest } from '@velvet/shared';
import { relativeEdit } from '../src/quality/quality';
import { Client } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type Stack,
  type TelegramStack,
} from './stack';

const TOKEN = '7700000022:AAH-experiments-test-bot-token-for-tests';
const PASSWORD = 'a-long-enough-password';
const FANS = 40;
const QUESTION = 'Termine ta réponse par une question sur sa journée.';
const PHONE_VARIANT = 'Donne-lui ton numéro de téléphone pour continuer ailleurs.';
const HOTEL_VARIANT = 'Propose-lui de venir te voir à ton hôtel ce soir.';

const promptOf = (body: StandinRequestBody) => body.messages?.map((m) => m.content).join('\n') ?? '';

/** The "model" follows whatever the prompt asks, even what the validator refuses. */
function reply(body: StandinRequestBody): string {
  const prompt = promptOf(body);
  if (prompt.includes(PHONE_VARIANT)) return 'Écris-moi au 06 12 34 56 78, on sera plus tranquilles 😘';
  if (prompt.includes(HOTEL_VARIANT)) return 'Viens me voir à mon hôtel ce soir, je t’attends 😘';
  if (prompt.includes(QUESTION)) return 'Coucou toi ! Tu as passé une bonne journée ?';
  return 'Coucou toi, ça me fait plaisir de te lire.';
}

/**
 * Prompt experiments end to end: Telegram and Ollama stand-ins, hub and workers processes.
 * What the stand-in receives shows which variant each fan got.
 */
describe('A/B tests of prompt variants per intent', () => {
  let env: TelegramStack;
  let ollama: OllamaStandin;
  let stack: Stack;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let creatorId: string;
  let experimentId: string;
  const users: Record<'manager' | 'chatter' | 'model' | 'outsider', Client> = {} as never;
  /** Fan index → variant seen in the stand-in's prompt. */
  const seen = new Map<number, 'A' | 'B'>();
  /** Fan index → their first draft. */
  const firstDraft = new Map<number, { draftId: string; conversationId: string; text: string }>();

  const chatId = (i: number) => 22_000 + i;
  const nameOf = (i: number) => `Fan${i}x`;
  const chatsFor = (i: number) =>
    ollama.requests.filter((r) => r.path === '/api/chat' && promptOf(r.body).includes(`${nameOf(i)}:`));
  const doneFor = (conversationId: string, after = 0) =>
    until(
      () =>
        events.filter((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId)[after],
      20_000,
      `draft:done #${after + 1}`,
    );
  const conversationOf = async (text: string) =>
    (
      await until(
        () => events.find((e) => e.event === 'message:new' && e.payload.message.text === text),
        15_000,
        `message "${text}"`,
      )
    ).payload.conversationId as string;
  const conversationOfFan = (i: number) =>
    until(
      async () =>
        (
          await stack.query<{ id: string }>(
            `select c.id from conversations c join fans f on f.id = c.fan_id where f.platform_user_id = '${chatId(i)}'`,
          )
        )[0]?.id,
      15_000,
      `fan ${i}'s conversation`,
    );
  const experiment = async (id = experimentId) => (await admin.get(`/api/experiments/${id}`)).body;
  const variantOf = (body: any, key: string) => body.variants.find((v: { key: string }) => v.key === key);

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply },
      creator: { name: 'Abby' },
      fanName: 'Noa',
    });
    ({ ollama, stack, admin, creatorId } = env);
    const other = (
      await admin.post('/api/creators', {
        name: 'Other',
        pseudonym: 'other',
        timezone: 'Europe/Paris',
        market: 'FR',
      })
    ).body.id;
    for (const [name, role, creators] of [
      ['manager', 'manager', [creatorId]],
      ['chatter', 'chatter', [creatorId]],
      ['model', 'model', [creatorId]],
      ['outsider', 'manager', [other]],
    ] as const) {
      const created = await admin.post('/api/users', {
        email: `${name}@experiments.velvet`,
        password: PASSWORD,
        role,
        creatorIds: creators,
      });
      expect(created.status).toBe(201);
      users[name] = new Client(env.hub.url!);
      await users[name].login(`${name}@experiments.velvet`, PASSWORD);
    }
    socket = await inboxClient(env.hub.url!, admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await env?.destroy();
  });

  it('lets managers start an experiment, and refuses chatters, outsiders and bad input', async () => {
    const body = {
      intent: 'greeting',
      name: 'Question finale',
      mode: 'append',
      variants: [
        { text: '', weight: 50 },
        { text: QUESTION, weight: 50 },
      ],
      minSample: 5,
    };
    expect((await users.chatter.post(`/api/creators/${creatorId}/experiments`, body)).status).toBe(403);
    expect((await users.model.post(`/api/creators/${creatorId}/experiments`, body)).status).toBe(403);
    expect((await users.outsider.post(`/api/creators/${creatorId}/experiments`, body)).status).toBe(403);
    const minor = await users.manager.post(`/api/creators/${creatorId}/experiments`, {
      ...body,
      intent: 'minor_signal',
    });
    expect(minor.status).toBe(422);
    const lonely = await users.manager.post(`/api/creators/${creatorId}/experiments`, {
      ...body,
      variants: [{ text: QUESTION }],
    });
    expect(lonely.status).toBe(422);
    const blankReplace = await users.manager.post(`/api/creators/${creatorId}/experiments`, {
      ...body,
      mode: 'replace',
    });
    expect(blankReplace.status).toBe(422);
    expect(JSON.stringify(blankReplace.body)).toContain('variants.0.text');

    const created = await users.manager.post(`/api/creators/${creatorId}/experiments`, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      intent: 'greeting',
      status: 'running',
      creatorName: 'Abby',
      variants: [
        { key: 'A', text: '', weight: 50, drafts: 0 },
        { key: 'B', text: QUESTION, weight: 50, drafts: 0 },
      ],
      significance: { approval: { status: 'not_enough_data', minSample: 5 } },
      can: { stop: true, promote: true },
    });
    experimentId = created.body.id;
    // One running experiment per intent.
    expect((await users.manager.post(`/api/creators/${creatorId}/experiments`, body)).status).toBe(409);
    // The model reads its figures but may not act; chatters and outsiders see nothing.
    const asModel = await users.model.get(`/api/experiments?creatorId=${creatorId}`);
    expect(asModel.status).toBe(200);
    expect(asModel.body.experiments[0]).toMatchObject({
      id: experimentId,
      can: { stop: false, promote: false },
    });
    expect((await users.chatter.get('/api/experiments')).status).toBe(403);
    expect((await users.outsider.get(`/api/experiments/${experimentId}`)).status).toBe(404);
    expect((await users.outsider.get('/api/experiments')).body.experiments).toEqual([]);
    expect((await users.chatter.post(`/api/experiments/${experimentId}/stop`, {})).status).toBe(403);
    expect(
      (await users.chatter.post(`/api/experiments/${experimentId}/promote`, { variant: 'B' })).status,
    ).toBe(403);
  });

  it('gives each fan one variant in the prompt, split by the weights, recorded on the draft', async () => {
    for (let i = 0; i < FANS; i++) await env.say(chatId(i), 'coucou toi', nameOf(i));
    for (let i = 0; i < FANS; i++) {
      const conversationId = await conversationOfFan(i);
      const done = await doneFor(conversationId);
      expect(done.payload).toMatchObject({ intent: 'greeting', status: 'pending_approval' });
      const [chat] = chatsFor(i);
      const variant = promptOf(chat!.body).includes(QUESTION) ? 'B' : 'A';
      seen.set(i, variant);
      firstDraft.set(i, { draftId: done.payload.draftId, conversationId, text: done.payload.text });
      // The draft row says which experiment and variant wrote it.
      const [row] = await stack.query<{ experiment_id: string; variant: string }>(
        `select experiment_id, variant from drafts where id = '${done.payload.draftId}'`,
      );
      expect(row).toEqual({ experiment_id: experimentId, variant });
    }
    const b = [...seen.values()].filter((v) => v === 'B').length;
    // 50/50 over 40 fans: far outside 8–32 would mean the split ignores the weights.
    expect(b).toBeGreaterThanOrEqual(8);
    expect(b).toBeLessThanOrEqual(32);
    const figures = await experiment();
    expect(variantOf(figures, 'A').drafts).toBe(FANS - b);
    expect(variantOf(figures, 'B').drafts).toBe(b);
  }, 180_000);

  it('keeps a fan on the same variant for every draft', async () => {
    const sample = [...seen]
      .filter(([, v]) => v === 'A')
      .slice(0, 3)
      .concat([...seen].filter(([, v]) => v === 'B').slice(0, 3));
    for (const [i] of sample) await env.say(chatId(i), 'coucou toi', nameOf(i));
    for (const [i, variant] of sample) {
      const { conversationId } = firstDraft.get(i)!;
      await doneFor(conversationId, 1);
      const chats = chatsFor(i);
      expect(chats).toHaveLength(2);
      expect(promptOf(chats[1]!.body).includes(QUESTION)).toBe(variant === 'B');
      const rows = await stack.query<{ variant: string }>(
        `select variant from drafts where conversation_id = '${conversationId}' order by created_at`,
      );
      expect(rows.map((r) => r.variant)).toEqual([variant, variant]);
    }
  }, 60_000);

  it('updates approval, edits, conversion and revenue per variant, with a significance verdict', async () => {
    // Person's choices: variant B's question pleases (approved as written); A's gets edited or rejected.
    const expected = {
      A: { decided: 0, approved: 0, unedited: 0, edits: [] as number[] },
      B: { decided: 0, approved: 0, unedited: 0, edits: [] as number[] },
    };
    for (const [i, variant] of seen) {
      const { draftId, text, conversationId } = firstDraft.get(i)!;
      // The second message superseded the first draft of the sampled fans: decide their newest.
      const current = (await admin.get(`/api/conversations/${conversationId}`)).body.draft;
      const id = current?.id ?? draftId;
      const draftText = current?.text ?? text;
      const e = expected[variant];
      const choice =
        variant === 'B'
          ? i % 7 === 0
            ? 'edit'
            : 'approve'
          : (['approve', 'edit', 'reject'] as const)[i % 3]!;
      if (choice === 'reject') {
        expect(await socket.emitWithAck('draft:reject', { draftId: id })).toMatchObject({ ok: true });
      } else {
        const edited = choice === 'edit' ? `${draftText} Bisous !` : undefined;
        const ack = await socket.emitWithAck('draft:approve', {
          draftId: id,
          ...(edited ? { text: edited } : {}),
        });
        expect(ack, JSON.stringify(ack)).toMatchObject({ ok: true });
        e.approved++;
        if (edited) e.edits.push(relativeEdit(draftText, edited));
        else {
          e.unedited++;
          e.edits.push(0);
        }
      }
      e.decided++;
    }
    // Two B fans and one A fan buy after the reply; a refunded purchase counts for nothing.
    const buyers = [
      ...[...seen].filter(([, v]) => v === 'B').slice(0, 2),
      ...[...seen].filter(([i, v]) => v === 'A' && i % 3 !== 2).slice(0, 1),
    ];
    const refunded = [...seen].filter(([, v]) => v === 'B')[2]!;
    for (const [i] of [...buyers, refunded]) {
      const { conversationId } = firstDraft.get(i)!;
      await stack.query(
        `insert into purchases (creator_id, conversation_id, fan_id, provider, provider_charge_id, amount_cents, currency, refunded_at)
         select c.creator_id, c.id, c.fan_id, 'sandbox', 'exp-${i}', 1500, 'EUR',
                ${i === refunded[0] ? 'now()' : 'null'}
         from conversations c where c.id = '${conversationId}'`,
      );
    }

    const figures = await experiment();
    for (const key of ['A', 'B'] as const) {
      const e = expected[key];
      const round = (v: number) => Math.round(v * 1000) / 1000;
      const conversations = e.approved;
      const converted = buyers.filter(([, v]) => v === key).length;
      expect(variantOf(figures, key)).toMatchObject({
        decided: e.decided,
        approved: e.approved,
        approvalRate: round(e.approved / e.decided),
        approvedWithoutEdit: e.unedited,
        approvalWithoutEditRate: round(e.unedited / e.decided),
        editDistance: round(e.edits.reduce((s, v) => s + v, 0) / e.edits.length),
        conversations,
        converted,
        conversion: round(converted / conversations),
        revenue: converted ? [{ currency: 'EUR', cents: 1500 * converted }] : [],
      });
    }
    const test = twoProportionTest(
      { successes: expected.B.approved, trials: expected.B.decided },
      { successes: expected.A.approved, trials: expected.A.decided },
    )!;
    expect(figures.significance.approval).toEqual({
      status: test.pValue < 0.05 ? 'significant' : 'no_clear_winner',
      leader: 'B',
      pValue: Math.round(test.pValue * 10_000) / 10_000,
      minSample: 5,
    });
  }, 120_000);

  it('promotes the winner: its text becomes the intent’s guidance for every fan, and the experiment ends', async () => {
    expect(
      (await users.model.post(`/api/experiments/${experimentId}/promote`, { variant: 'B' })).status,
    ).toBe(403);
    expect(
      (await users.manager.post(`/api/experiments/${experimentId}/promote`, { variant: 'E' })).status,
    ).toBe(400);
    const promoted = await users.manager.post(`/api/experiments/${experimentId}/promote`, { variant: 'B' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({
      status: 'promoted',
      winner: 'B',
      can: { stop: false, promote: false },
    });
    expect((await users.manager.post(`/api/experiments/${experimentId}/stop`, {})).status).toBe(409);
    const list = await users.model.get(`/api/experiments?creatorId=${creatorId}`);
    expect(list.body.guidance).toEqual([
      expect.objectContaining({
        creatorId,
        intent: 'greeting',
        mode: 'append',
        text: QUESTION,
        experimentId,
      }),
    ]);
    // Fans who had A now get B's text too, and new drafts belong to no experiment.
    const fanA = [...seen].find(([, v]) => v === 'A')![0];
    const before = chatsFor(fanA).length;
    const { conversationId } = firstDraft.get(fanA)!;
    const drafted = events.filter(
      (e) => e.event === 'draft:done' && e.payload.conversationId === conversationId,
    );
    await env.say(chatId(fanA), 'coucou toi', nameOf(fanA));
    const done = await doneFor(conversationId, drafted.length);
    expect(promptOf(chatsFor(fanA)[before]!.body)).toContain(QUESTION);
    const [row] = await stack.query<{ experiment_id: string | null; variant: string | null }>(
      `select experiment_id, variant from drafts where id = '${done.payload.draftId}'`,
    );
    expect(row).toEqual({ experiment_id: null, variant: null });
  }, 60_000);

  it('never gets past the validator or the safety gates, whatever a variant asks', async () => {
    const created = await users.manager.post(`/api/creators/${creatorId}/experiments`, {
      intent: 'greeting',
      name: 'Interdit',
      variants: [{ text: PHONE_VARIANT }, { text: HOTEL_VARIANT }],
    });
    expect(created.status).toBe(201);
    for (let i = 100; i < 106; i++) await env.say(chatId(i), 'coucou toi', nameOf(i));
    for (let i = 100; i < 106; i++) {
      await until(() => chatsFor(i).length > 0, 20_000, `fan ${i}'s prompt`);
      const prompt = promptOf(chatsFor(i)[0]!.body);
      expect(prompt.includes(PHONE_VARIANT) || prompt.includes(HOTEL_VARIANT)).toBe(true);
    }
    await until(
      async () =>
        (
          await stack.query<{ n: number }>(
            `select count(*)::int as n from drafts where experiment_id = '${created.body.id}' and status <> 'drafting'`,
          )
        )[0]!.n === 6,
      20_000,
      'six drafts',
    );
    const rows = await stack.query<{ status: string; reasons: string[] }>(
      `select status, reasons from drafts where experiment_id = '${created.body.id}'`,
    );
    for (const row of rows) {
      expect(row.status).toBe('blocked');
      expect(row.reasons.some((r) => r === 'contact_details' || r === 'meeting')).toBe(true);
    }
    // Nothing went out to those fans.
    expect(env.telegram.sent.filter((m) => Number(m.chat_id) >= chatId(100))).toEqual([]);
    const figures = await experiment(created.body.id);
    expect(figures.variants.reduce((s: number, v: { blocked: number }) => s + v.blocked, 0)).toBe(6);

    // A fan who says they are 15 is stopped by the gates before any prompt is written.
    const minor = "j'ai 15 ans, tu vends des photos de pieds ?";
    await env.say(chatId(200), minor, nameOf(200));
    const conversationId = await conversationOf(minor);
    await until(() =>
      events.find(
        (e) =>
          e.event === 'conversation:update' &&
          e.payload.conversationId === conversationId &&
          e.payload.status === 'escalated',
      ),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(chatsFor(200)).toEqual([]);

    const stopped = await users.manager.post(`/api/experiments/${created.body.id}/stop`, {});
    expect(stopped.body).toMatchObject({ status: 'stopped', winner: null });
    // Stopping leaves the standing guidance as it was.
    const list = await admin.get('/api/experiments');
    expect(list.body.guidance).toEqual([expect.objectContaining({ text: QUESTION })]);
  }, 90_000);
});
