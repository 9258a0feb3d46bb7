import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { draftRelay } from './draft-relay';
import { ingestLatency } from './ingest-latency';
import { socketBaseline } from './socket-baseline';
import { round } from './stats';

/**
 * `npm run bench`: every figure next to a baseline measured in the same run, so ratios
 * hold on a noisy machine. BENCH_SECONDS shortens each phase (default 30).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const rates = (process.env.BENCH_RATES ?? '50,200').split(',').map(Number);

const rows: {
  measure: string;
  rate: string;
  p50: number;
  p90: number;
  p99: number;
  ratioP50: string;
  notes: string;
}[] = [];
const ingest = await ingestLatency(rates, seconds);
const baselines = [];
for (const rate of rates)
  baselines.push({ rate, latencyMs: await socketBaseline(rate, Math.min(seconds, 10)) });

for (const [i, result] of ingest.entries()) {
  const baseline = baselines[i]!.latencyMs;
  rows.push({
    measure: 'baseline: bare socket.io push',
    rate: `${result.rate}/s`,
    ...pick(baseline),
    ratioP50: '1.0×',
    notes: `${baseline.n} samples`,
  });
  rows.push({
    measure: 'webhook → message:new',
    rate: `${result.rate}/s (got ${result.achievedRate}/s)`,
    ...pick(result.latencyMs),
    ratioP50: `${round(result.latencyMs.p50 / baseline.p50, 1)}×`,
    notes: `${result.delivered}/${result.sent} delivered, ${result.errors} errors`,
  });
}

const tokenRates = (process.env.BENCH_TOKEN_RATES ?? '20,80').split(',').map(Number);
const relay = await draftRelay(tokenRates, Number(process.env.BENCH_DRAFTS ?? 20));
const emitBaseline = baselines[0]!.latencyMs;
for (const result of relay) {
  rows.push({
    measure: 'Ollama chunk → draft:token',
    rate: `${result.tokensPerSecond} tok/s`,
    ...pick(result.relayMs),
    ratioP50: `${round(result.relayMs.p50 / emitBaseline.p50, 1)}×`,
    notes: `${result.relayMs.n} chunks, ${result.drafts} drafts (includes the 25 ms coalescing window)`,
  });
  rows.push({
    measure: 'webhook → first Ollama request',
    rate: `${result.tokensPerSecond} tok/s`,
    ...pick(result.webhookToOllamaMs),
    ratioP50: `${round(result.webhookToOllamaMs.p50 / emitBaseline.p50, 1)}×`,
    notes: 'store, queue, classify, gates, draft job, prompt',
  });
}

function pick(s: { p50: number; p90: number; p99: number }) {
  return { p50: s.p50, p90: s.p90, p99: s.p99 };
}

console.log(
  `\nVelvet bench — ${seconds} s per rate, ${os.cpus().length} cores, ${new Date().toISOString()}\n`,
);
console.table(rows.map((r) => ({ ...r, p50: `${r.p50} ms`, p90: `${r.p90} ms`, p99: `${r.p99} ms` })));

const commit = (() => {
  try {
    return execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const out = path.resolve(import.meta.dirname, '../results/latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      commit,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
      },
      secondsPerRate: seconds,
      ingest,
      baselines,
      draftRelay: relay,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten: ${path.relative(process.cwd(), out)}`);
process.exit(0);
