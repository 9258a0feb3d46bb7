import { startTelegramStandin, telegramUpdates } from '@velvet/platforms/testing';
import { creatorBody } from '../../hub/test/harness';
import { connectTelegram, inboxClient, postTelegram, Stack } from '../../hub/test/stack';
import { paced, summarize } from './stats';

const TOKEN = '7400000001:AAH-bench-bot-token-for-the-ingest-bench01';

/**
 * Webhook → `message:new` at a socket.io-client, through separate hub and workers
 * processes on real PostgreSQL and Redis, at fixed webhook rates.
 */
export async function ingestLatency(rates: number[], seconds: number) {
  const telegram = await startTelegramStandin({ tokens: [TOKEN] });
  const stack = await Stack.create({
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' },
    // Bench traffic comes from one address: lift the sign-in limit, nothing else.
    config: (yaml) => yaml.replace('attempts_per_ip: 30', 'attempts_per_ip: 100000'),
  });
  try {
    const hub = await stack.start('hub');
    await stack.start('workers');
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', creatorBody('Bench'));
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    const socket = await inboxClient(hub.url!, admin.token);
    const sentAt = new Map<string, number>();
    let latencies: number[] = [];
    socket.on('message:new', (payload) => {
      const started = sentAt.get(payload.message.text);
      if (started !== undefined) latencies.push(performance.now() - started);
    });

    const results = [];
    let updateId = 1;
    for (const rate of rates) {
      latencies = [];
      let errors = 0;
      const began = performance.now();
      await paced(rate, seconds, async (i) => {
        const text = `bench ${rate}/s #${i}`;
        const chatId = 100_000 + (i % 500);
        sentAt.set(text, performance.now());
        const response = await postTelegram(
          hub.url!,
          accountId,
          secret,
          telegramUpdates.text({ updateId: updateId++, chatId, fromId: chatId, text }),
        ).catch(() => ({ status: 0 }));
        if (response.status !== 200) errors++;
      });
      const elapsed = (performance.now() - began) / 1000;
      await new Promise((r) => setTimeout(r, 1000));
      const sent = Math.round(rate * seconds);
      results.push({
        rate,
        seconds,
        achievedRate: Math.round(sent / elapsed),
        errors,
        delivered: latencies.length,
        sent,
        latencyMs: summarize(latencies),
      });
    }
    socket.disconnect();
    return results;
  } finally {
    await stack.destroy();
    await telegram.close();
  }
}
