import { startOllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates } from '@velvet/platforms/testing';
import { creatorBody } from '../../hub/test/harness';
import { connectTelegram, inboxClient, postTelegram, Stack } from '../../hub/test/stack';
import { summarize } from './stats';

const TOKEN = '7800000001:AAH-bench-draft-relay-bot-token-for-bench';
const REPLY =
  'Coucou toi ! Merci pour ton message, ça me fait vraiment plaisir de te lire aujourd’hui. ' +
  'Raconte-moi un peu ta journée, je suis curieuse de savoir ce que tu fais de beau en ce moment.';

/**
 * Draft relay: the Ollama stand-in streams at a fixed token rate; for each `draft:token`
 * chunk at a socket.io-client, the delay since the stand-in wrote the last token the chunk
 * contains (the ~25 ms coalescing window is part of it, by design). Also the pipeline
 * overhead from posting a webhook to the first Ollama request.
 */
export async function draftRelay(rates: number[], draftsPerRate: number) {
  const telegram = await startTelegramStandin({ tokens: [TOKEN] });
  const ollama = await startOllamaStandin({ reply: () => REPLY });
  const stack = await Stack.create({
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, OLLAMA_HOST: ollama.url, LOG_LEVEL: 'warn' },
    config: (yaml) => yaml.replace('attempts_per_ip: 30', 'attempts_per_ip: 100000'),
  });
  try {
    const hub = await stack.start('hub');
    await stack.start('workers');
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Relay'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    const socket = await inboxClient(hub.url!, admin.token);

    const results = [];
    let updateId = 1;
    for (const rate of rates) {
      ollama.setTokensPerSecond(rate);
      const relay: number[] = [];
      const overhead: number[] = [];
      for (let i = 0; i < draftsPerRate; i++) {
        const chatRequests = ollama.requests.filter((r) => r.path === '/api/chat').length;
        const received: { length: number; at: number }[] = [];
        let total = 0;
        const onToken = (payload: { text: string }) => {
          total += payload.text.length;
          received.push({ length: total, at: performance.now() });
        };
        socket.on('draft:token', onToken);
        const done = new Promise<void>((resolve) => socket.once('draft:done', () => resolve()));
        const postedAt = performance.now();
        const chatId = 900_000 + updateId;
        await postTelegram(
          hub.url!,
          accountId,
          secret,
          telegramUpdates.text({
            updateId: updateId++,
            chatId,
            fromId: chatId,
            text: 'coucou toi',
            languageCode: 'fr',
          }),
        );
        await done;
        socket.off('draft:token', onToken);
        const request = ollama.requests.filter((r) => r.path === '/api/chat')[chatRequests];
        if (request) overhead.push(request.at - postedAt);
        const chunks = ollama.chunksSent[chatRequests] ?? [];
        let written = 0;
        const writtenAt = chunks.map((c) => ({ length: (written += c.content.length), at: c.at }));
        for (const r of received) {
          const last = writtenAt.find((w) => w.length >= r.length);
          if (last) relay.push(r.at - last.at);
        }
      }
      results.push({
        tokensPerSecond: rate,
        drafts: draftsPerRate,
        relayMs: summarize(relay),
        webhookToOllamaMs: summarize(overhead),
      });
    }
    socket.disconnect();
    return results;
  } finally {
    await stack.destroy();
    await ollama.close();
    await telegram.close();
  }
}
