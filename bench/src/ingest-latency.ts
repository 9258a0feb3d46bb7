import { startTelegramStandin, telegramUpdates } from '@velvet/platforms/testing';
import { creatorBody } from '../../hub/test/harness';
import { connectTelegram, inboxClient, postTelegram, Stack } from '../../hub/test/stack';
import { paced, summarize } from './stats';

const TOKEN = '7400000001:AAH-bench-bot-token-for-the-ingest-bench01';

export interface IngestRun {
  rate: number;
  seconds: number;
  achievedRate: number;
  errors: number;
  delivered: number;
  sent: number;
  latencyMs: ReturnType<typeof summarize>;
}

/** A rate passes the throughput bar: p99 under 100 ms, every webhook 2xx and delivered, the pace held. */
export const sustained = (run: IngestRun) =>
  run.errors === 0 &&
  run.delivered === run.sent &&
  run.latencyMs.p99 < 100 &&
  run.achievedRate >= 0.95 * run.rate;

/**
 * Webhook → `message:new` at a socket.io-client, through separate hub and workers
 * processes on real PostgreSQL and Redis: fixed rates, then the highest sustained rate.
 */
export async function ingestBench(options: {
  rates: number[];
  seconds: number;
  searchSeconds: number;
  searchSteps: number;
}) {
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

    let updateId = 1;
    let runs = 0;
    const run = async (rate: number, seconds: number): Promise<IngestRun> => {
      latencies = [];
      sentAt.clear();
      let errors = 0;
      const tag = runs++;
      const began = performance.now();
      await paced(rate, seconds, async (i) => {
        const text = `bench ${tag}:${rate}/s #${i}`;
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
      const sent = Math.round(rate * seconds);
      // Late events still count (as slow ones); then let the workers drain before the next run.
      const deadline = performance.now() + 5000;
      while (latencies.length < sent - errors && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1000));
      return {
        rate,
        seconds,
        achievedRate: Math.round(sent / elapsed),
        errors,
        delivered: latencies.length,
        sent,
        latencyMs: summarize(latencies),
      };
    };

    const fixed: IngestRun[] = [];
    for (const rate of options.rates) fixed.push(await run(rate, options.seconds));

    // Throughput: bracket with the fixed rates, grow ×2 until a rate fails, then bisect.
    const steps: IngestRun[] = [];
    let pass = Math.max(0, ...fixed.filter(sustained).map((r) => r.rate));
    let fail = Math.min(Infinity, ...fixed.filter((r) => !sustained(r)).map((r) => r.rate));
    for (let i = 0; i < options.searchSteps; i++) {
      const rate = fail === Infinity ? Math.max(50, pass * 2) : Math.round((pass + fail) / 2);
      if (fail !== Infinity && fail - pass <= Math.max(10, pass * 0.05)) break;
      const step = await run(rate, options.searchSeconds);
      steps.push(step);
      if (sustained(step)) pass = rate;
      else fail = rate;
    }
    socket.disconnect();
    return {
      fixed,
      throughput: { sustainedRate: pass, firstFailingRate: Number.isFinite(fail) ? fail : null, steps },
    };
  } finally {
    await stack.destroy();
    await telegram.close();
  }
}
