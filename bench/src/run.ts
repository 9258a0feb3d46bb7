import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyticsBench } from './analytics';
import { backupBench } from './backup';
import { bullmqAddRate, pgInsertRate } from './baselines';
import { classifierBench } from './classifier';
import { draftRelay } from './draft-relay';
import { DRAIN_LIMIT_MS, ingestBench, type IngestRun } from './ingest-latency';
import { publishingBench, type ScheduledRun } from './publishing';
import { socketBaseline } from './socket-baseline';
import { socketsBench } from './sockets';
import { scaleBench } from './scale';
import { round } from './stats';

/**
 * `npm run bench`: every figure next to a baseline measured in the same run, so ratios
 * hold on a noisy machine. Every size is an environment variable (bench/README.md), so a
 * quick run is e.g. `BENCH_SECONDS=3 BENCH_SOCKETS=2000 npm run bench`.
 */
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);
const seconds = num('BENCH_SECONDS', 30);
const rates = list('BENCH_RATES', '50,200,500');
const baselineSeconds = num('BENCH_BASELINE_SECONDS', Math.min(seconds, 5));
const only = new Set(
  (process.env.BENCH_ONLY ?? 'ingest,relay,sockets,scale,classifier,backup,publishing,analytics').split(','),
);

interface Row {
  measure: string;
  load: string;
  p50?: number;
  p90?: number;
  p99?: number;
  value?: string;
  ratio?: string;
  notes?: string;
}
const rows: Row[] = [];
const report: Record<string, unknown> = {};
const ms = (s: { p50: number; p90: number; p99: number }) => ({ p50: s.p50, p90: s.p90, p99: s.p99 });
const times = (a: number, b: number) =>
  b > 0 ? `${round(a / b, a / b < 0.1 ? 3 : 1)}×` : '— (baseline rounds to 0)';
const latencyRatio = (s: { p50: number; p99: number }, base: { p50: number; p99: number }) =>
  `p50 ${times(s.p50, base.p50)}, p99 ${times(s.p99, base.p99)}`;
const step = (what: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}`);

let emitBaseline: { p50: number; p90: number; p99: number } | undefined;
if (only.has('ingest')) {
  const hubRates = list('BENCH_HUB_RATES', '500,1000');
  const warmupSeconds = num('BENCH_WARMUP_SECONDS', 20);
  step(
    `ingest: ${warmupSeconds} s of warm-up at ${rates[0]}/s, rates ${rates.join(', ')}/s for ${seconds} s each, the throughput search, then the hub alone at ${hubRates.join(', ')}/s`,
  );
  const ingest = await ingestBench({
    rates,
    seconds,
    searchSeconds: num('BENCH_SEARCH_SECONDS', Math.min(seconds, 10)),
    searchSteps: num('BENCH_SEARCH_STEPS', 6),
    hubRates,
    warmupSeconds,
  });
  step('baselines: bare socket.io push, BullMQ add, PostgreSQL insert');
  const pushBaselines = [];
  for (const rate of rates) {
    pushBaselines.push({ rate, latencyMs: await socketBaseline(rate, Math.min(seconds, 10)) });
  }
  const bullmq = await bullmqAddRate(baselineSeconds);
  const postgres = await pgInsertRate(baselineSeconds);
  report.ingest = ingest.fixed;
  report.pushBaselines = pushBaselines;
  report.throughput = { ...ingest.throughput, baselines: { bullmqAdd: bullmq, postgresInsert: postgres } };
  report.hubAlone = ingest.hubAlone;

  const cpuNotes = (r: IngestRun) => {
    const c = r.cpuMsPerWebhook;
    return `CPU ms/webhook: hub ${c.hub}, workers ${c.workers}, PostgreSQL ${c.postgres}, Redis ${c.redis} (load generator and stand-ins ${c.bench}); ${r.grossPipelineCpuMs} ms with the processes' idle share`;
  };
  const runNotes = (r: IngestRun) =>
    `${r.delivered}/${r.sent} delivered, ${r.errors} errors` +
    (r.errors
      ? ` (${Object.entries(r.errorStatuses)
          .map(([status, n]) => `${n} × ${status === '0' ? 'no answer' : status}`)
          .join(', ')})` +
        Object.entries(r.errorCauses)
          .map(([cause, n]) => `; hub logged ${n} × "${cause}"`)
          .join('')
      : '') +
    (r.pipeline
      ? `, ${r.drafts} drafts, backlog drained ${r.drainMs === null ? 'not within 15 s' : `${r.drainMs} ms`} after the load`
      : '');
  const stepNotes = (list: IngestRun[]) =>
    list
      .map(
        (s) =>
          `${s.rate}/s p99 ${s.latencyMs.p99} ms${s.errors ? ` ${s.errors} err` : ''}${s.pipeline ? ` drain ${s.drainMs ?? '>15000'} ms` : ''}`,
      )
      .join(', ') || 'only the fixed rates';

  for (const [i, result] of ingest.fixed.entries()) {
    const baseline = pushBaselines[i]!.latencyMs;
    rows.push({
      measure: 'baseline: bare socket.io push',
      load: `${result.rate}/s`,
      ...ms(baseline),
      notes: `${baseline.n} samples`,
    });
    rows.push({
      measure: 'webhook → message:new',
      load: `${result.rate}/s (got ${result.achievedRate}/s)`,
      ...ms(result.latencyMs),
      ratio: latencyRatio(result.latencyMs, baseline),
      notes: runNotes(result),
    });
    rows.push({
      measure: 'CPU per webhook, whole pipeline',
      load: `${result.rate}/s`,
      value: `${result.cpuMsPerWebhook.pipeline} ms`,
      notes: cpuNotes(result),
    });
  }
  emitBaseline = pushBaselines[0]?.latencyMs;
  rows.push({
    measure: 'baseline: BullMQ add (raw)',
    load: '32 in flight',
    ...ms(bullmq.latencyMs),
    value: `${bullmq.perSecond}/s`,
    notes: `${bullmq.ops} adds in ${baselineSeconds} s`,
  });
  rows.push({
    measure: 'baseline: PostgreSQL 1-row insert (raw)',
    load: '32 in flight, pool 10',
    ...ms(postgres.latencyMs),
    value: `${postgres.perSecond}/s`,
    notes: `${postgres.ops} inserts in ${baselineSeconds} s`,
  });
  const { sustainedRate, firstFailingRate, steps } = ingest.throughput;
  rows.push({
    measure: 'max sustained webhook rate, whole pipeline',
    load: `p99 < 100 ms, 0 errors, drained ≤ ${DRAIN_LIMIT_MS} ms`,
    value: `${sustainedRate}/s`,
    ratio: `${times(sustainedRate, bullmq.perSecond)} BullMQ, ${times(sustainedRate, postgres.perSecond)} PG`,
    notes: `first failing ${firstFailingRate ?? '—'}/s; tried ${stepNotes(steps)}`,
  });
  const hub = ingest.hubAlone;
  for (const result of hub.fixed) {
    rows.push({
      measure: 'webhook → message:new, hub alone',
      load: `${result.rate}/s (got ${result.achievedRate}/s)`,
      ...ms(result.latencyMs),
      value: `${result.cpuMsPerWebhook.hub} ms hub CPU`,
      notes: `${runNotes(result)}; ${cpuNotes(result)}`,
    });
  }
  rows.push({
    measure: 'max sustained webhook rate, hub alone',
    load: 'workers stopped; p99 < 100 ms, 0 errors',
    value: `${hub.sustainedRate}/s`,
    ratio: `${times(hub.sustainedRate, postgres.perSecond)} PG`,
    notes: `first failing ${hub.firstFailingRate ?? '—'}/s; tried ${stepNotes(hub.steps)}`,
  });
}

if (only.has('relay')) {
  step('draft relay');
  emitBaseline ??= await socketBaseline(50, Math.min(seconds, 10));
  const tokenRates = list('BENCH_TOKEN_RATES', '20,80');
  const relay = await draftRelay(tokenRates, num('BENCH_DRAFTS', 20));
  report.draftRelay = relay;
  report.relayBaseline = emitBaseline;
  rows.push({
    measure: 'baseline: bare socket.io push',
    load: '50/s',
    ...ms(emitBaseline),
  });
  for (const result of relay) {
    rows.push({
      measure: 'Ollama chunk → draft:token',
      load: `${result.tokensPerSecond} tok/s`,
      ...ms(result.relayMs),
      ratio: latencyRatio(result.relayMs, emitBaseline),
      notes: `${result.relayMs.n} chunks, ${result.drafts} drafts (includes the 25 ms coalescing window)`,
    });
    rows.push({
      measure: 'webhook → first Ollama request',
      load: `${result.tokensPerSecond} tok/s`,
      ...ms(result.webhookToOllamaMs),
      ratio: latencyRatio(result.webhookToOllamaMs, emitBaseline),
      notes: 'store, queue, classify, gates, draft job, prompt',
    });
  }
}

if (only.has('sockets')) {
  const counts = list('BENCH_SOCKETS', '2000,10000');
  step(`sockets: ${counts.join(', ')} across two hubs`);
  const sockets = await socketsBench(counts, num('BENCH_FANOUT_ROUNDS', 20));
  report.sockets = sockets;
  for (const s of sockets) {
    rows.push({
      measure: 'baseline: bare socket.io room of 1,000',
      load: `${s.sockets} sockets, 1 process`,
      ...ms(s.baseline.deliverMs),
      value: `RSS ${s.baseline.loadedMiB} MiB (${s.baseline.kibPerSocket} KiB/socket)`,
      notes: `idle process ${s.baseline.idleMiB} MiB`,
    });
    rows.push({
      measure: 'webhook → message:new to all 1,000 of a room',
      load: `${s.sockets} sockets, 2 hubs`,
      ...ms(s.deliverMs),
      value: `RSS ${s.hubs.map((h) => h.loadedMiB).join(' + ')} MiB (${s.kibPerSocket} KiB/socket)`,
      ratio: `${latencyRatio(s.deliverMs, s.baseline.deliverMs)}, ${times(s.kibPerSocket, s.baseline.kibPerSocket)} KiB/socket`,
      notes: `idle hubs ${s.hubs.map((h) => h.idleMiB).join(' + ')} MiB; connected in ${s.connectSeconds} s; ${s.leakedToOtherCreator} events to other creators' sockets`,
    });
  }
}

if (only.has('scale')) {
  const total = num('BENCH_SCALE_SOCKETS', 2000);
  const rate = num('BENCH_SCALE_RATE', 100);
  step(`scale: ${total} sockets and ${rate} webhooks/s through nginx, 1 hub + 1 worker, then 2 + 2`);
  const { single, scaled } = await scaleBench({ sockets: total, rate, seconds });
  report.scale = { single, scaled };
  for (const s of [single, scaled]) {
    const cpu = s.cpuMsPerWebhook;
    rows.push({
      measure:
        s === single
          ? 'baseline: webhook → message:new, 1 hub + 1 worker behind nginx'
          : 'webhook → message:new, 2 hubs + 2 workers behind nginx',
      load: `${s.sockets} sockets, ${s.rate}/s (got ${s.achievedRate}/s)`,
      ...ms(s.latencyMs),
      value: `RSS ${s.hubRssMiB.join(' + ')} MiB; sockets per hub ${s.socketsPerHub.join(' / ')}`,
      ratio: s === single ? undefined : latencyRatio(s.latencyMs, single.latencyMs),
      notes: `${s.delivered}/${s.sent} delivered, ${s.errors} errors; sockets connected in ${s.connectSeconds} s; CPU per webhook: hubs ${cpu.hubs} ms, workers ${cpu.workers} ms, nginx ${cpu.nginx} ms`,
    });
  }
}

if (only.has('classifier')) {
  step('classifier');
  const classifier = classifierBench(num('BENCH_CLASSIFIER_SECONDS', 5));
  report.classifier = classifier;
  rows.push({
    measure: 'baseline: text normalisation',
    load: `${classifier.texts} held-out texts, 1 thread`,
    ...ms(classifier.baseline.latencyMs),
    value: `${classifier.baseline.perSecond}/s`,
  });
  rows.push({
    measure: 'intent classifier',
    load: `${classifier.texts} held-out texts, 1 thread`,
    ...ms(classifier.classifier.latencyMs),
    value: `${classifier.classifier.perSecond}/s`,
    ratio: `${times(classifier.classifier.perSecond, classifier.baseline.perSecond)} rate, p99 ${times(classifier.classifier.latencyMs.p99, classifier.baseline.latencyMs.p99)}`,
  });
}

if (only.has('backup')) {
  const backups = await backupBench(num('BENCH_BACKUP_MESSAGES', 100_000), step);
  report.backup = backups;
  for (const b of backups) {
    const shape = b.shape === 'postgres' ? 'PostgreSQL' : 'embedded PGlite, live';
    rows.push({
      measure: `baseline: ${b.baseline.what}`,
      load: `${b.messages} messages, ${b.shape}`,
      value: `${b.baseline.backupSeconds} s, ${b.baseline.backupMB} MB; back ${b.baseline.restoreSeconds} s`,
    });
    rows.push({
      measure: `backup + restore (${shape})`,
      load: `${b.messages} messages`,
      ...(b.queryWaitMs ? ms(b.queryWaitMs) : {}),
      value: `backup ${b.backupSeconds} s, ${b.backupMB} MB; restore ${b.restoreSeconds} s`,
      ratio: `backup ${times(b.backupSeconds, b.baseline.backupSeconds)}, restore ${times(b.restoreSeconds, b.baseline.restoreSeconds)}`,
      notes: `${b.queryWaitMs ? `p50/p90/p99: a query's wait during the backup, max ${b.queryWaitMs.max} ms; ` : ''}restore includes the row-count check and the erasure ledger`,
    });
  }
}

if (only.has('publishing')) {
  const targets = num('BENCH_PUBLISH_TARGETS', 100_000);
  // The issue's case: 100,000 targets over the next hour.
  const windowSeconds = num('BENCH_PUBLISH_WINDOW', 3600);
  const workers = num('BENCH_PUBLISH_WORKERS', 2);
  const publishing = await publishingBench({
    targets,
    windowSeconds,
    workers,
    // Posts are seeded as drafts before this; scheduling and enqueueing them must end before
    // the first due time (each run reports its margin, negative = invalid).
    leadSeconds: num('BENCH_PUBLISH_LEAD', Math.ceil(20 + targets / 200)),
    graceSeconds: num('BENCH_PUBLISH_GRACE', 90),
    killAt: 0.5,
    // An hour's window runs the baseline beside the engine rather than before it.
    together: (process.env.BENCH_PUBLISH_TOGETHER ?? (windowSeconds >= 1800 ? '1' : '0')) === '1',
    log: step,
  });
  report.publishing = publishing;
  const { raw, engine } = publishing;
  const load = (r: ScheduledRun) =>
    `${r.targets} over ${r.windowSeconds} s (${r.offeredPerSecond}/s), ${r.workers} workers, 1 SIGKILLed at ${r.kill.atSecond} s`;
  const outcome = (r: ScheduledRun) =>
    `${r.fired}/${r.targets} fired, ${r.duplicates} duplicates, ${r.missing} missing`;
  const resources = (r: ScheduledRun) =>
    `max ${r.latenessMs.max} ms, ${r.lateOver1s} later than 1 s; last due → last fired ${r.drainMs} ms; ` +
    `peak RSS of the workers ${r.workerPeakRssMiB.join(' / ')} MiB, Redis ${r.redisPeakMiB} MiB; ` +
    `CPU ms per target: workers ${r.cpuMsPerTarget.workers}, PostgreSQL ${r.cpuMsPerTarget.postgres}, Redis ${r.cpuMsPerTarget.redis}; ` +
    `replacement ready ${r.kill.replacementReadyMs} ms after the kill; ${r.seedSeconds ? `drafts seeded in ${r.seedSeconds} s, then ` : ''}enqueued in ${r.enqueueSeconds} s, ${r.enqueuedLate} after their time, ` +
    `${r.seedingMarginSeconds >= 0 ? `${r.seedingMarginSeconds} s before the window` : `INVALID: enqueueing overlapped the window by ${-r.seedingMarginSeconds} s`}; ` +
    `${r.failedAttempts === undefined ? '' : `${r.failedAttempts} attempts failed, `}jobs failed for good: ${JSON.stringify(r.failedJobs)}`;
  rows.push({
    measure: 'baseline: raw BullMQ delayed job → fired',
    load: load(raw),
    ...ms(raw.latenessMs),
    value: outcome(raw),
    notes: resources(raw),
  });
  const met =
    engine.latenessMs.p99 <= 1000 &&
    engine.duplicates === 0 &&
    engine.lost === 0 &&
    engine.seedingMarginSeconds >= 0;
  rows.push({
    measure: 'scheduled post target → published (sandbox feed)',
    load: load(engine),
    ...ms(engine.latenessMs),
    value: `${outcome(engine)} (${engine.unconfirmed} unconfirmed, ${engine.unconfirmedInFeed} of them in the feed; ${engine.stillDue} still due at the end; ${engine.lost} lost); ${met ? 'meets' : 'MISSES'} p99 ≤ 1 s, 0 duplicates, 0 lost`,
    ratio: `${latencyRatio(engine.latenessMs, raw.latenessMs)}, workers CPU ${times(engine.cpuMsPerTarget.workers, raw.cpuMsPerTarget.workers)}, Redis ${times(engine.redisPeakMiB, raw.redisPeakMiB)} memory`,
    notes: resources(engine),
  });
}

if (only.has('analytics')) {
  const options = {
    rows: num('BENCH_ANALYTICS_ROWS', 10_000_000),
    creators: num('BENCH_ANALYTICS_CREATORS', 50),
    snapshots: num('BENCH_ANALYTICS_SNAPSHOTS', 100),
    runs: num('BENCH_ANALYTICS_RUNS', 50),
    naiveRuns: num('BENCH_ANALYTICS_NAIVE_RUNS', 5),
    seedConnections: num('BENCH_ANALYTICS_SEED_CONNECTIONS', 2),
    trainCreators: num('BENCH_ANALYTICS_TRAIN_CREATORS', 5),
  };
  step(`analytics: seeding ${options.rows} metric rows, then the queries`);
  const analytics = await analyticsBench(options);
  report.analytics = analytics;
  const load = `${analytics.rows.toLocaleString('en')} rows (${analytics.tableMb} MB), ${analytics.targets} posts, ${analytics.creators} creators`;
  rows.push({
    measure: 'analytics seed (INSERT … generate_series)',
    load,
    value: `${round(analytics.seedMs / 1000, 1)} s (${Math.round(analytics.rows / (analytics.seedMs / 1000)).toLocaleString('en')} rows/s)`,
    notes: `indexes built after in ${round(analytics.indexMs / 1000, 1)} s; rollups built in bulk in ${round(analytics.rollupMs / 1000, 1)} s`,
  });
  for (const q of analytics.queries) {
    rows.push({
      measure: `baseline: naive full scan, ${q.name}`,
      load,
      ...ms(q.naive),
      notes: `${q.naive.n} runs`,
    });
    rows.push({
      measure: `analytics ${q.name}`,
      load,
      ...ms(q.fast),
      ratio: latencyRatio(q.fast, q.naive),
      value: q.fast.p99 <= 1000 ? 'meets p99 ≤ 1 s' : 'MISSES p99 ≤ 1 s',
      notes: `${q.fast.n} runs; ${q.checked}`,
    });
  }
  const t = analytics.training;
  rows.push({
    measure: 'analytics best-times training per creator (TensorFlow.js, both platforms)',
    load: `${t.creators} creators × ~${t.postsPerCreator} posts, agency prior`,
    ...ms(t.ms),
    value: `model used ${t.model}×, baseline ${t.baseline}×`,
    notes: `best hour found: ${t.best} (planted 20:00)`,
  });
}

const date = new Date().toISOString();
const commit = (() => {
  try {
    return execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
};

const cell = (value: unknown) => (value === undefined || Number.isNaN(value) ? '' : String(value));
const header = ['measure', 'load', 'p50 ms', 'p90 ms', 'p99 ms', 'value', 'ratio', 'notes'];
console.log(
  `\nVelvet bench — ${date}, commit ${commit.slice(0, 10)}, ${machine.cpus} × ${machine.cpuModel}, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}, ${seconds} s per ingest rate\n`,
);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const r of rows) {
  const cells = [r.measure, r.load, r.p50, r.p90, r.p99, r.value, r.ratio, r.notes].map(cell);
  console.log(`| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
}

const out = path.resolve(import.meta.dirname, '../results/latest.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date, commit, machine, secondsPerRate: seconds, rows, ...report }, null, 2)}\n`,
);
console.log(`\nwritten: ${path.relative(process.cwd(), out)}`);
process.exit(0);
