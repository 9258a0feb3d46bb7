import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import type { Client } from './harness';
import { startTelegramStack, until, type TelegramStack } from './stack';

const TOKEN = '7700000031:AAH-commands-test-bot-token-for-tests';

/** The bot's commands: the menu set at connect, and /packs, /pricing, /help answered live. */
describe('Telegram commands answer from the live catalog', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let admin: Client;
  let creatorId: string;
  const packIds: Record<string, string> = {};

  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));
  const command = (chatId: number, text: string, languageCode = 'fr') =>
    env.post(
      telegramUpdates.command({ updateId: env.nextUpdateId(), chatId, fromId: chatId, text, languageCode }),
    );
  const press = (chatId: number, data: string) =>
    env.post(
      telegramUpdates.callback({
        updateId: env.nextUpdateId(),
        chatId,
        fromId: chatId,
        data,
        languageCode: 'fr',
      }),
    );
  const nextTo = async (chatId: number, after: number, what: string) =>
    until(() => sentTo(chatId)[after], 15_000, what);

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply: () => 'Coucou 😘' },
      creator: { name: 'Commands' },
      fanName: 'Lou',
    });
    ({ telegram, admin, creatorId } = env);
    for (const pack of [
      { name: 'Pack pieds', type: 'feet', price: 10 },
      { name: 'Pack lingerie', type: 'lingerie', price: 15.5 },
    ]) {
      const created = await admin.post(`/api/creators/${creatorId}/packs`, pack);
      expect(created.status).toBe(201);
      packIds[pack.type] = created.body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await env?.destroy();
  });

  it('sets the command menu at connect, in English and in French', () => {
    expect(telegram.commands.get(`${TOKEN}:`)).toEqual([
      { command: 'packs', description: 'My packs' },
      { command: 'pricing', description: 'My prices' },
      { command: 'help', description: 'Help' },
    ]);
    expect(telegram.commands.get(`${TOKEN}:fr`)?.map((c) => c.description)).toEqual([
      'Mes packs',
      'Mes tarifs',
      'Aide',
    ]);
  });

  it('answers /help from the configuration', async () => {
    await command(7101, '/help');
    const help = await nextTo(7101, 0, '/help answer');
    expect(help.text).toMatch(/^Commandes : \/packs pour mes packs/);
    await command(7102, '/help', 'en');
    expect((await nextTo(7102, 0, '/help in English')).text).toMatch(/^Commands: \/packs/);
  });

  it('lists the live catalog with a button per pack after the 18+ gate, and a button opens the offer', async () => {
    const chatId = 7103;
    await command(chatId, '/packs');
    const gate = await nextTo(chatId, 0, 'age gate');
    expect(String(gate.text)).not.toMatch(/€/);
    expect(JSON.stringify(gate.reply_markup)).toContain('age:yes');

    await press(chatId, 'age:yes');
    await nextTo(chatId, 1, 'age confirmed');
    await command(chatId, '/packs');
    const catalog = await nextTo(chatId, 2, 'catalog');
    expect(catalog.text).toBe(
      'Voici mes packs 💋 Touche celui qui te tente :\n• Pack pieds — 10 €\n• Pack lingerie — 15,50 €',
    );
    expect(catalog.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Pack pieds — 10 €', callback_data: `pack:${packIds.feet}` }],
        [{ text: 'Pack lingerie — 15,50 €', callback_data: `pack:${packIds.lingerie}` }],
      ],
    });

    // A pack added since: /pricing shows it at once.
    const added = await admin.post(`/api/creators/${creatorId}/packs`, {
      name: 'Pack nu',
      type: 'nude_art',
      price: 25,
    });
    await command(chatId, '/pricing');
    const pricing = await nextTo(chatId, 3, 'pricing');
    expect(pricing.text).toBe(
      'Mes tarifs du moment :\n• Pack pieds — 10 €\n• Pack lingerie — 15,50 €\n• Pack nu — 25 €',
    );

    const pressed = await press(chatId, `pack:${packIds.lingerie}`);
    expect(pressed.status).toBe(200);
    const invoice = await until(
      () => telegram.invoices.find((i) => String(i.chat_id) === String(chatId)),
      15_000,
      'invoice for the pressed pack',
    );
    expect(invoice).toMatchObject({ title: 'Pack lingerie', currency: 'XTR', prices: [{ amount: 775 }] });
    await until(
      () => telegram.callbackAnswers.length >= 2 && telegram.callbackAnswers,
      10_000,
      'the button stops spinning',
    );

    // A pack withdrawn after the list was shown: the fan is told, nothing is invoiced.
    expect((await admin.patch(`/api/packs/${added.body.id}`, { active: false })).status).toBe(200);
    await press(chatId, `pack:${added.body.id}`);
    const unavailable = await until(
      () =>
        sentTo(chatId).find((m) =>
          /n'est plus disponible|plus disponible|indisponible/i.test(String(m.text)),
        ),
      15_000,
      'unavailable answer',
    );
    expect(unavailable.reply_markup).toBeUndefined();
    expect(telegram.invoices.filter((i) => String(i.chat_id) === String(chatId))).toHaveLength(1);
  });
});
