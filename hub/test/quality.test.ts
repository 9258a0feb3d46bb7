import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, until } from './stack';

const PASSWORD = 'a-long-enough-password';

/** Quality per person and per creator, from the drafts people decided on and what fans bought. */
describe('reply quality figures', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let firstConversation: { conversation_id: string; fan_id: string; at: Date };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const other = (await admin.post('/api/creators', creatorBody('Mona'))).body.id;
    for (const [name, creators] of [
      ['anna', [creatorId]],
      ['bob', [creatorId]],
      ['cleo', [creatorId]],
      ['lead', [other]],
    ] as const) {
      const created = await admin.post('/api/users', {
        email: `${name}@quality.velvet`,
        password: PASSWORD,
        role: name === 'lead' ? 'manager' : 'chatter',
        creatorIds: creators,
      });
      ids[name] = created.body.id;
    }
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'quality-token' },
    });
    for (const fan of ['1', '2']) {
      await fetch(`${hub.url}/webhooks/sandbox/${account.body.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': 'quality-token' },
        body: JSON.stringify({
          id: `m${fan}`,
          chatId: `c${fan}`,
          from: { id: `fan-${fan}`, name: `Fan ${fan}` },
          text: 'hey',
        }),
      });
    }
    await until(async () => (await admin.get('/api/conversations')).body.conversations.length === 2);
    // The fans wrote an hour ago; people decided within the minute after.
    await hub.ctx.db.execute(sql`update messages set created_at = created_at - interval '1 hour'`);
    const rows = await selectRows<{ conversation_id: string; message_id: string; fan_id: string; at: Date }>(
      hub.ctx.db,
      sql`select c.id as conversation_id, m.id as message_id, c.fan_id, m.created_at as at
          from conversations c join messages m on m.conversation_id = c.id join fans f on f.id = c.fan_id
          order by f.platform_user_id`,
    );
    const [one, two] = rows;
    firstConversation = one!;
    const decide = (
      row: typeof one,
      who: string,
      status: string,
      text: string,
      edited: string | null,
      afterMs: number,
    ) =>
      hub.ctx.db.execute(
        sql`insert into drafts (conversation_id, message_id, text, status, edited_text, decided_by, decided_at)
            values (${row!.conversation_id}, ${row!.message_id}, ${text}, ${status}, ${edited}, ${who},
                    ${new Date(new Date(row!.at).getTime() + afterMs)})`,
      );
    // Anna: one sent as written, one edited (2 characters of 7), one rejected; no sale.
    await decide(one, ids.anna!, 'approved', 'Bonjour', null, 10_000);
    await decide(one, ids.anna!, 'approved', 'Bonjour', 'Bonsoir', 20_000);
    await decide(one, ids.anna!, 'rejected', 'Achète', null, 30_000);
    // Bob: one rewritten entirely, and the fan bought afterwards.
    await decide(two, ids.bob!, 'approved', 'abc', 'xyz', 40_000);
    await hub.ctx.db.execute(
      sql`insert into purchases (creator_id, conversation_id, fan_id, provider, provider_charge_id, amount_cents, currency, created_at)
          values (${creatorId}, ${two!.conversation_id}, ${two!.fan_id}, 'sandbox', 'ch_1', 1500, 'EUR',
                  ${new Date(new Date(two!.at).getTime() + 60_000)})`,
    );
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('gives each person and creator their approval without edit, edit distance, reply time and conversion', async () => {
    const quality = await admin.get(`/api/quality?days=7`);
    expect(quality.status).toBe(200);
    expect(quality.body.definitions.editDistance).toContain('edit distance');
    const anna = quality.body.chatters.find((c: { userId: string }) => c.userId === ids.anna);
    expect(anna).toMatchObject({
      email: 'anna@quality.velvet',
      decided: 3,
      approved: 2,
      approvedWithoutEdit: 1,
      approvalWithoutEditRate: 0.333,
      editDistance: 0.143,
      replyMedianMs: 15_000,
      conversations: 1,
      converted: 0,
      conversion: 0,
      written: 0,
    });
    const bob = quality.body.chatters.find((c: { userId: string }) => c.userId === ids.bob);
    expect(bob).toMatchObject({
      decided: 1,
      approvalWithoutEditRate: 0,
      editDistance: 1,
      replyMedianMs: 40_000,
      conversion: 1,
    });
    expect(quality.body.creators).toEqual([
      expect.objectContaining({
        creatorId,
        creatorName: 'Lina',
        decided: 4,
        approved: 3,
        conversations: 2,
        converted: 1,
        conversion: 0.5,
      }),
    ]);
  });

  it('counts the replies a person typed without a draft: how many, reply time and conversion', async () => {
    const cleo = new Client(hub.url);
    await cleo.login('cleo@quality.velvet', PASSWORD);
    const socket = await inboxClient(hub.url, cleo.token);
    try {
      for (const text of ['Coucou, je suis là', 'Tu veux voir la suite ?']) {
        const sent = await socket.emitWithAck('message:send', {
          conversationId: firstConversation.conversation_id,
          text,
        });
        expect(sent).toMatchObject({ ok: true });
      }
    } finally {
      socket.close();
    }
    // She answered 45 s after the fan, then wrote again a minute later; the fan then bought.
    const fanAt = new Date(firstConversation.at).getTime();
    for (const [text, afterMs] of [
      ['Coucou, je suis là', 45_000],
      ['Tu veux voir la suite ?', 105_000],
    ] as const) {
      await hub.ctx.db.execute(
        sql`update messages set created_at = ${new Date(fanAt + afterMs)} where text = ${text}`,
      );
    }
    await hub.ctx.db.execute(
      sql`insert into purchases (creator_id, conversation_id, fan_id, provider, provider_charge_id, amount_cents, currency, created_at)
          values (${creatorId}, ${firstConversation.conversation_id}, ${firstConversation.fan_id}, 'sandbox', 'ch_2', 900, 'EUR',
                  ${new Date(fanAt + 200_000)})`,
    );

    const quality = await admin.get('/api/quality?days=7');
    expect(quality.body.definitions.written).toMatch(/without an AI draft/);
    const figures = quality.body.chatters.find((c: { userId: string }) => c.userId === ids.cleo);
    // Only the first answer to the fan's message has a reply time; no draft decided.
    expect(figures).toMatchObject({
      email: 'cleo@quality.velvet',
      written: 2,
      decided: 0,
      approvalWithoutEditRate: null,
      replyMedianMs: 45_000,
      conversations: 1,
      converted: 1,
      conversion: 1,
    });
    const creator = quality.body.creators.find((c: { creatorId: string }) => c.creatorId === creatorId);
    expect(creator).toMatchObject({ written: 2, decided: 4, conversations: 2, converted: 2, conversion: 1 });
  });

  it('shows a manager only their creators, and refuses chatters', async () => {
    const lead = new Client(hub.url);
    await lead.login('lead@quality.velvet', PASSWORD);
    const theirs = await lead.get('/api/quality');
    expect(theirs.status).toBe(200);
    expect(theirs.body.chatters).toEqual([]);
    expect((await lead.get(`/api/quality?creatorId=${creatorId}`)).status).toBe(403);
    const chatter = new Client(hub.url);
    await chatter.login('anna@quality.velvet', PASSWORD);
    expect((await chatter.get('/api/quality')).status).toBe(403);
    expect((await admin.get('/api/quality?days=0')).status).toBe(422);
  });
});
