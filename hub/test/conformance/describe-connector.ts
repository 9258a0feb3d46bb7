import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv, loadVelvetConfig } from '@velvet/shared';
import { createConnectors, type ConformanceKit, type ConformanceStandIn } from '@velvet/platforms/testing';
import { creatorBody, type Client } from '../harness';
import { inboxClient, record, Stack, until, type InboxClient, type VelvetProcess } from '../stack';

/**
 * What every chat connector must do, run against the real hub and workers processes with
 * the platform's stand-in: authenticate webhooks, store each delivery once, normalise every
 * inbound kind, pace sends by the platform's limits and hints, and keep secrets secret.
 */
export function describeConnector(kit: ConformanceKit): void {
  describe(`${kit.platform} connector conformance`, () => {
    let standIn: ConformanceStandIn;
    let stack: Stack;
    let hub: VelvetProcess;
    let admin: Client;
    let socket: InboxClient;
    let events: ReturnType<typeof record>;
    let accountId: string;
    /** Every API response body the suite saw, to search for secrets. */
    const responses: string[] = [];

    const post = async (body: unknown, headers?: Record<string, string>) => {
      const raw = JSON.stringify(body);
      const response = await fetch(`${hub.url}/webhooks/${kit.platform}/${accountId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(headers ?? standIn.sign(raw)) },
        body: raw,
      });
      const text = await response.text();
      responses.push(text);
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const storedIn = (chatId: string) =>
      stack.query<{ text: string; kind: string }>(
        `select m.text, m.raw->>'kind' as kind from messages m join conversations c on c.id = m.conversation_id
         where c.account_id = '${accountId}' and c.platform_chat_id = '${chatId}' and m.direction = 'in'
         order by m.created_at`,
      );
    const conversationOf = async (chatId: string) =>
      (
        await stack.query<{ id: string }>(
          `select id from conversations where account_id = '${accountId}' and platform_chat_id = '${chatId}'`,
        )
      )[0]?.id;
    const limits = () => {
      const config = loadVelvetConfig(stack.configFile);
      // Every connector is built, so every *_API_ROOT needs a value: the defaults, then the stand-in's.
      return createConnectors(loadEnv({ ...stack.env, ...standIn.env }))
        .get(kit.platform)!
        .limits(config.platforms);
    };

    beforeAll(async () => {
      standIn = await kit.start();
      stack = await Stack.create({ env: standIn.env, ...(kit.config ? { config: kit.config } : {}) });
      hub = await stack.start('hub');
      await stack.start('workers');
      admin = await stack.admin(hub.url!);
      const creator = await admin.post('/api/creators', {
        ...creatorBody('Conformance'),
        quietHours: { start: '00:00', end: '00:00' },
      });
      if (standIn.connect) {
        accountId = await standIn.connect({ url: hub.url!, accessToken: admin.token! }, creator.body.id);
      } else {
        const connected = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
          platform: kit.platform,
          credentials: standIn.credentials,
        });
        responses.push(JSON.stringify(connected.body));
        expect(connected.status, JSON.stringify(connected.body)).toBe(201);
        accountId = connected.body.id;
      }
      responses.push(JSON.stringify((await admin.get(`/api/creators/${creator.body.id}/accounts`)).body));
      socket = await inboxClient(hub.url!, admin.token);
      events = record(socket);
    }, 90_000);

    afterAll(async () => {
      socket?.close();
      await stack?.destroy();
      await standIn?.close();
    });

    it('is listed by GET /api/platforms with its capabilities and credentials form', async () => {
      const listed = await admin.get('/api/platforms');
      responses.push(JSON.stringify(listed.body));
      const entry = listed.body.platforms.find((p: { platform: string }) => p.platform === kit.platform);
      expect(entry).toMatchObject({
        label: expect.stringMatching(/\S/),
        chat: true,
        connect: expect.stringMatching(/^(credentials|oauth)$/),
        capabilities: { aiAutoSend: expect.any(Boolean), verifiesAge: expect.any(Boolean) },
        credentials: { type: 'object', properties: expect.any(Object) },
      });
    });

    it('passes the connection test of a freshly connected account, changing nothing', async () => {
      const checked = await admin.post(`/api/accounts/${accountId}/check`);
      responses.push(JSON.stringify(checked.body));
      expect(checked.status, JSON.stringify(checked.body)).toBe(200);
      expect(checked.body).toMatchObject({ ok: true, account: { id: accountId, status: 'active' } });
    });

    it('refuses a webhook with a wrong or missing signature: 401, nothing stored', async () => {
      const [sample] = standIn.samples();
      const raw = JSON.stringify(sample!.body);
      expect((await post(sample!.body, standIn.forge(raw))).status).toBe(401);
      expect((await post(sample!.body, {})).status).toBe(401);
      expect(await storedIn(sample!.chatId)).toEqual([]);
      expect(
        events.some((e) => e.event === 'message:new' && e.payload.message.text === sample!.expect.text),
      ).toBe(false);
    });

    it('stores a repeated delivery once and still answers 2xx', async () => {
      const [sample] = standIn.samples();
      const first = await post(sample!.body);
      const again = await post(sample!.body);
      expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
      expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
      expect(await storedIn(sample!.chatId)).toHaveLength(1);
    });

    it('normalises every inbound kind the platform sends', async () => {
      for (const sample of standIn.samples()) {
        const answer = await post(sample.body);
        expect(answer.status, `${sample.name}: ${JSON.stringify(answer.body)}`).toBe(200);
        const stored = await until(
          async () => (await storedIn(sample.chatId)).find((m) => m.text === sample.expect.text),
          10_000,
          `${sample.name} stored`,
        );
        expect(stored, sample.name).toMatchObject({ kind: sample.expect.kind });
        await until(
          () =>
            events.find((e) => e.event === 'message:new' && e.payload.message.text === sample.expect.text),
          10_000,
          `${sample.name} pushed to the inbox`,
        );
      }
    });

    it("paces sends to one chat by the platform's limits, in order", async () => {
      const [sample] = standIn.samples();
      await post(sample!.body);
      const conversationId = await until(() => conversationOf(sample!.chatId), 10_000, 'conversation');
      const texts = ['un', 'deux', 'trois'].map((w) => `Réponse ${w}`);
      for (const text of texts) {
        expect(await socket.emitWithAck('message:send', { conversationId, text })).toMatchObject({
          ok: true,
        });
      }
      const delivered = await until(
        () => {
          const got = standIn.delivered(sample!.chatId).filter((m) => texts.includes(m.text));
          return got.length === texts.length && got;
        },
        20_000,
        'three replies delivered',
      );
      expect(delivered.map((m) => m.text)).toEqual(texts);
      const chatInterval = Math.max(
        0,
        ...limits()
          .rules.filter((r) => r.scope === 'chat')
          .map((r) => r.intervalMs),
      );
      // Slots are reserved one interval apart; the requests then leave after a little work
      // each, so two arrivals may be closer by that work, never by a whole interval.
      const span = delivered.at(-1)!.at - delivered[0]!.at;
      expect(span).toBeGreaterThanOrEqual((delivered.length - 1) * chatInterval - 250);
      for (let i = 1; i < delivered.length; i++) {
        expect(delivered[i]!.at - delivered[i - 1]!.at).toBeGreaterThanOrEqual(chatInterval / 2);
      }
    });

    it("honours the platform's retry hint, then delivers once", async () => {
      const [sample] = standIn.samples();
      await post(sample!.body);
      const conversationId = await until(() => conversationOf(sample!.chatId), 10_000, 'conversation');
      standIn.failNextSend({ rateLimited: { retryAfterSeconds: 2 } });
      const text = 'Après la pause';
      expect(await socket.emitWithAck('message:send', { conversationId, text })).toMatchObject({ ok: true });
      const [delivered] = await until(
        () => {
          const got = standIn.delivered(sample!.chatId).filter((m) => m.text === text);
          return got.length > 0 && got;
        },
        20_000,
        'the reply after the 429',
      );
      const [refused] = standIn.attempts(sample!.chatId);
      expect(delivered!.at - refused!.at).toBeGreaterThanOrEqual(1950);
      await new Promise((r) => setTimeout(r, 500));
      expect(standIn.delivered(sample!.chatId).filter((m) => m.text === text)).toHaveLength(1);
    });

    it('retries a server error and delivers once', async () => {
      const [sample] = standIn.samples();
      await post(sample!.body);
      const conversationId = await until(() => conversationOf(sample!.chatId), 10_000, 'conversation');
      standIn.failNextSend({ serverError: true });
      const text = 'Malgré la panne';
      expect(await socket.emitWithAck('message:send', { conversationId, text })).toMatchObject({ ok: true });
      await until(
        () => events.find((e) => e.event === 'message:sent' && e.payload.conversationId === conversationId),
        20_000,
        'message:sent after the 500',
      );
      expect(standIn.attempts(sample!.chatId).length).toBeGreaterThanOrEqual(2);
      expect(standIn.delivered(sample!.chatId).filter((m) => m.text === text)).toHaveLength(1);
    });

    it('never sends twice when the outcome is unknown: unconfirmed, for a human to check', async () => {
      const [sample] = standIn.samples();
      await post(sample!.body);
      const conversationId = await until(() => conversationOf(sample!.chatId), 10_000, 'conversation');
      standIn.failNextSend({ dropAfterReceiving: true });
      const text = 'Reçu, sans réponse';
      const ack = (await socket.emitWithAck('message:send', { conversationId, text })) as {
        messageId: string;
      };
      await until(
        () => events.find((e) => e.event === 'message:failed' && e.payload.messageId === ack.messageId),
        20_000,
        'message:failed (unconfirmed)',
      );
      await new Promise((r) => setTimeout(r, 2500));
      expect(standIn.attempts(sample!.chatId)).toHaveLength(1);
      expect(standIn.delivered(sample!.chatId).filter((m) => m.text === text)).toHaveLength(1);
      const [row] = await stack.query<{ status: string }>(
        `select status from messages where id = '${ack.messageId}'`,
      );
      expect(row!.status).toBe('unconfirmed');
    });

    it('never puts a secret in a response or a log line', async () => {
      const listed = await admin.get(`/api/conversations`);
      responses.push(JSON.stringify(listed.body));
      const logs = stack.processes.map((p) => p.output()).join('\n');
      expect(logs.length).toBeGreaterThan(0);
      for (const secret of standIn.secrets()) {
        expect(secret.length).toBeGreaterThan(8);
        expect(logs).not.toContain(secret);
        for (const body of responses) expect(body).not.toContain(secret);
      }
    });
  });
}
