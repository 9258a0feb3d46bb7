import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromaMemory, startLocalChroma, type FanMemory, type LocalChroma } from '@velvet/llm';
import { DEFAULT_STANDIN_MODELS, standinEmbedding, type OllamaStandin } from '@velvet/llm/ollama/testing';
import type { Client } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type TelegramStack,
} from './stack';

const TOKEN = '7700000022:AAH-memory-test-bot-token-for-tests-022';
const EMBED_MODEL = 'nomic-embed-text';

/**
 * Conversation memory end to end: separate hub and workers processes, the Ollama stand-in
 * (chat and deterministic embeddings), and a real Chroma started from node_modules.
 */
describe('drafts know the fan: context block and recalled memories', () => {
  let env: TelegramStack;
  let ollama: OllamaStandin;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let chroma: LocalChroma;
  let chromaDir: string;
  let memory: FanMemory;
  let redisPrefix: string;

  const prompts = () =>
    ollama.requests
      .filter((r) => r.path === '/api/chat')
      .map((r) => r.body.messages!.map((m) => m.content).join('\n'));
  const draftDone = (conversationId: string, after: number) =>
    until(
      () =>
        events
          .slice(after)
          .find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      20_000,
      'draft:done',
    );
  const fanOf = async (chatId: number) => {
    const [row] = await env.stack.query<{ fan_id: string; conversation_id: string; creator_id: string }>(
      `select c.fan_id, c.id as conversation_id, c.creator_id from conversations c
       where c.platform_chat_id = '${chatId}'`,
    );
    return row!;
  };
  /** The fan writes; resolves once the draft answering this message is done. */
  const say = async (chatId: number, text: string) => {
    const mark = events.length;
    await env.say(chatId, text);
    const message = await until(
      () => events.slice(mark).find((e) => e.event === 'message:new' && e.payload.message.text === text),
      10_000,
      `message "${text}"`,
    );
    return draftDone(message.payload.conversationId, mark);
  };

  beforeAll(async () => {
    chromaDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-chroma-'));
    chroma = await startLocalChroma(chromaDir);
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, models: [...DEFAULT_STANDIN_MODELS, EMBED_MODEL] },
      creator: { name: 'Mémoire' },
      fanName: 'Noa',
      // Two messages of thread: anything older reaches the prompt only through memory.
      config: (yaml) => yaml.replace('history: 10', 'history: 2'),
      env: { OLLAMA_EMBED_MODEL: EMBED_MODEL, CHROMA_URL: chroma.url, MEMORY_TIMEOUT_MS: '1500' },
    });
    ollama = env.ollama;
    admin = env.admin;
    redisPrefix = env.stack.env.VELVET_REDIS_PREFIX!;
    // The test reads the store as the workers write it: same collection, same embeddings.
    memory = createChromaMemory({
      url: chroma.url,
      model: EMBED_MODEL,
      namespace: redisPrefix,
      embed: async (texts) => texts.map(standinEmbedding),
    });
    socket = await inboxClient(env.hub.url!, admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await env?.destroy();
    await chroma?.stop();
    if (chromaDir) rmSync(chromaDir, { recursive: true, force: true });
  });

  it('puts the fan’s purchases, notes, tags, subscription and open offer in the prompt, in their language', async () => {
    await say(6001, 'coucou, je suis de retour');
    const { fan_id: fanId, conversation_id: conversationId, creator_id: creatorId } = await fanOf(6001);
    const patched = await admin.patch(`/api/fans/${fanId}`, {
      notes: 'Aime les photos en noir et blanc. Son anniversaire est le 12 mars.',
      tags: ['fidèle', 'vip'],
    });
    expect(patched.status).toBe(200);
    const [pack] = await env.stack.query<{ id: string }>(
      `insert into packs (creator_id, name, type, price_cents, currency)
       values ('${creatorId}', 'Pack Lumière', 'lingerie', 1500, 'EUR') returning id`,
    );
    const [offered] = await env.stack.query<{ id: string }>(
      `insert into packs (creator_id, name, type, price_cents, currency)
       values ('${creatorId}', 'Pack Velours', 'feet', 2500, 'EUR') returning id`,
    );
    await env.stack.query(
      `insert into purchases (creator_id, conversation_id, fan_id, pack_id, provider, provider_charge_id, amount_cents, currency)
       values ('${creatorId}', '${conversationId}', '${fanId}', '${pack!.id}', 'test', 'charge-1', 1500, 'EUR');
       update fans set purchase_count = 1, lifetime_spend_cents = 1500, subscription_level = 'Gold',
         last_seen_at = now() where id = '${fanId}';
       insert into offers (creator_id, conversation_id, fan_id, pack_id, list_price_cents, price_cents, currency, expires_at)
       values ('${creatorId}', '${conversationId}', '${fanId}', '${offered!.id}', 2500, 2500, 'EUR', now() + interval '2 days')`,
    );

    await say(6001, 'tu fais quoi ce soir ?');
    const prompt = prompts().at(-1)!;
    expect(prompt).toContain('Ce que tu sais de Noa');
    expect(prompt).toContain('Abonnement : Gold');
    expect(prompt).toContain('Étiquettes : fidèle, vip');
    expect(prompt).toContain('A acheté « Pack Lumière » (15 €)');
    expect(prompt).toContain('Offre en attente : « Pack Velours » à 25 €');
    expect(prompt).toContain('Aime les photos en noir et blanc.');
    expect(prompt).toContain('Son anniversaire est le 12 mars.');
  }, 60_000);

  it('recalls a message from an earlier part of the conversation that left the thread', async () => {
    await say(6002, 'mon chien Biscuit adore courir sur la plage');
    const { fan_id: fanId } = await fanOf(6002);
    // Embedded in the background after the draft: what the stand-in was asked to embed.
    await until(
      async () => ((await memory.count(fanId)) >= 1 ? true : undefined),
      15_000,
      'the first message in memory',
    );
    const embedded = ollama.requests.filter((r) => r.path === '/api/embed');
    expect(embedded[0]!.body).toMatchObject({ model: EMBED_MODEL });
    await say(6002, 'il fait beau aujourd’hui');
    await say(6002, 'j’ai regardé un film hier soir');
    await say(6002, 'tu te souviens du nom de mon chien ?');
    const prompt = prompts().at(-1)!;
    // Two messages of thread: the dog is not in it, it comes back from memory.
    const thread = prompt.slice(prompt.indexOf('Derniers messages'));
    expect(thread).not.toContain('Biscuit');
    expect(prompt).toContain('Souvenirs de conversations passées');
    expect(prompt).toMatch(/Noa a dit \(aujourd’hui\) : « mon chien Biscuit adore courir sur la plage »/);
  }, 90_000);

  it('erasing the fan deletes their vectors', async () => {
    const { fan_id: fanId } = await fanOf(6002);
    expect(await memory.count(fanId)).toBeGreaterThan(0);
    const erased = await admin.post(`/api/fans/${fanId}/erase`, { confirm: 'Noa' });
    expect(erased.status).toBe(200);
    await until(
      async () => ((await memory.count(fanId)) === 0 ? true : undefined),
      15_000,
      'vectors deleted',
    );
    // Another fan's memories stay.
    const { fan_id: other } = await fanOf(6001);
    await until(async () => ((await memory.count(other)) > 0 ? true : undefined), 15_000, 'the other fan');
  }, 60_000);

  it('drafts without memory when Chroma is down, and one alert says so', async () => {
    await chroma.stop();
    const mark = events.length;
    const done = await say(6003, 'coucou, tu te souviens de moi ?');
    expect(done.payload.text).toBeTruthy();
    const prompt = prompts().at(-1)!;
    expect(prompt).toContain('Ce que tu sais de Noa');
    expect(prompt).not.toContain('Souvenirs de conversations passées');
    const alert = await until(
      () => events.slice(mark).find((e) => e.event === 'alert' && e.payload.kind === 'memory_down'),
      10_000,
      'memory_down alert',
    );
    expect(alert.payload).toMatchObject({ severity: 'warning', conversationId: done.payload.conversationId });
    // A second draft while it is still down: no second alert.
    await say(6003, 'tu es là ?');
    expect(events.filter((e) => e.event === 'alert' && e.payload.kind === 'memory_down')).toHaveLength(1);
  }, 60_000);
});
