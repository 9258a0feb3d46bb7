import type * as TF from '@tensorflow/tfjs';
import type { PublishPlatform } from '../domain';
import { POST_KINDS, type PostKind } from '../publishing/planner';
import { wallClock } from '../publishing/zoned-time';
import { engagementRate } from './scoring';
import { HOURS_OF_WEEK, howFromIndex, type HourOfWeek, type PostPerformance } from './types';

/**
 * Best times to post, two ways, compared honestly on the account's own later posts.
 *
 * Baseline: the mean engagement rate of each hour of week (creator's clock), shrunk toward the
 * account's mean: (n × cell mean + k × account mean) / (n + k), k = `SHRINKAGE_K` — an hour
 * with few posts stays close to the account's mean (empirical-Bayes shrinkage).
 *
 * Model (TensorFlow.js, CPU backend): a regularised log-linear model of the engagement rate
 * relative to the account's mean, log(rate / mean) ≈ b + hour[h] + weekday[d] +
 * hourOfWeek[d,h] + kind[c], trained with Adam on the full batch. Each weight is pulled by an
 * L2 penalty toward a prior: the same model trained on the agency's posts on that platform
 * (every creator, each against its own account mean), or 0 without one. The penalty counts
 * as a few posts' worth, so a creator with a thin history follows the agency and one with a
 * long history follows its own data.
 *
 * Evaluation: the account's posts sorted by time; the first (1 − testFraction) train, the
 * rest test. Both methods predict each test post's engagement rate; MAE and RMSE are
 * returned. The model is used only when its MAE is lower than the baseline's.
 */

/** Posts' worth of weight the account mean gets in each hour-of-week cell of the baseline. */
export const SHRINKAGE_K = 5;
export const BASELINE_DESCRIPTION = `hour-of-week mean engagement rate shrunk toward the account mean: (n × cell mean + ${SHRINKAGE_K} × account mean) / (n + ${SHRINKAGE_K})`;
export const MODEL_DESCRIPTION =
  'TensorFlow.js log-linear model (hour, weekday, hour of week, content type), L2-regularised toward the agency model';

/** Fewer posts than this on the account: no evaluation, baseline only. */
export const MIN_POSTS_FOR_MODEL = 30;
/** Fewer test posts than this: the comparison is not trusted, baseline used. */
export const MIN_TEST_POSTS = 10;

export interface ModelOptions {
  /** Adam steps over the full batch. Default 120. */
  epochs?: number;
  /** Default 0.1. */
  learningRate?: number;
  /** Penalty weights (posts' worth) per group. */
  lambda?: { hour: number; weekday: number; hourOfWeek: number; kind: number };
}

const DEFAULT_LAMBDA = { hour: 3, weekday: 3, hourOfWeek: 5, kind: 3 };
const KIND_INDEX = new Map<PostKind, number>(POST_KINDS.map((k, i) => [k, i]));

/** Hour of week of an instant on a clock. */
export function hourOfWeekOf(at: Date, timeZone: string): HourOfWeek {
  const w = wallClock(at, timeZone);
  return { weekday: new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay(), hour: w.hour };
}

interface Row {
  creatorId: string;
  how: number;
  kind: number;
  rate: number;
  at: number;
}

function rowsOf(posts: readonly PostPerformance[]): Row[] {
  return posts.map((p) => {
    const h = hourOfWeekOf(p.publishedAt, p.timeZone);
    return {
      creatorId: p.creatorId,
      how: h.weekday * 24 + h.hour,
      kind: KIND_INDEX.get(p.kind) ?? 0,
      rate: engagementRate(p),
      at: p.publishedAt.getTime(),
    };
  });
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

// ---------------------------------------------------------------- baseline

export interface BaselineFit {
  accountMean: number;
  k: number;
  /** Expected engagement rate per hour of week (index weekday × 24 + hour). */
  cells: Float64Array;
  counts: Int32Array;
}

function fitBaselineRows(rows: readonly Row[], k: number): BaselineFit {
  const accountMean = mean(rows.map((r) => r.rate));
  const sums = new Float64Array(HOURS_OF_WEEK);
  const counts = new Int32Array(HOURS_OF_WEEK);
  for (const r of rows) {
    sums[r.how]! += r.rate;
    counts[r.how]!++;
  }
  const cells = new Float64Array(HOURS_OF_WEEK);
  for (let i = 0; i < HOURS_OF_WEEK; i++) cells[i] = (sums[i]! + k * accountMean) / (counts[i]! + k);
  return { accountMean, k, cells, counts };
}

/** The baseline fitted on one account's posts. */
export function fitBaseline(posts: readonly PostPerformance[], k = SHRINKAGE_K): BaselineFit {
  return fitBaselineRows(rowsOf(posts), k);
}

// ---------------------------------------------------------------- model

/** Weights of the log-linear model, flat: bias, 24 hours, 7 weekdays, 168 hours of week, kinds. */
export interface TimesModelWeights {
  bias: number;
  hour: Float32Array;
  weekday: Float32Array;
  hourOfWeek: Float32Array;
  kind: Float32Array;
}

export interface TimesModel {
  weights: TimesModelWeights;
  accountMean: number;
  /** Multiplier that makes the mean prediction on the training posts equal their mean rate. */
  calibration: number;
  trainingMs: number;
  posts: number;
}

// TensorFlow.js is loaded on first use, so importing the shared package stays light.
let tf: typeof TF;
let backendReady: Promise<boolean> | null = null;
/** TensorFlow.js on its pure-JS CPU backend (no native binding, no GPU). */
export function ensureCpuBackend(): Promise<boolean> {
  backendReady ??= import('@tensorflow/tfjs').then((loaded) => {
    tf = loaded;
    // Production mode: no debug checks, and no console advice to install the native binding.
    tf.enableProdMode();
    return tf.setBackend('cpu');
  });
  return backendReady;
}

/** Targets: log of each rate over its own account's mean (accounts = creator in this list). */
function targets(rows: readonly Row[]): { y: Float32Array; means: Map<string, number> } {
  const byCreator = new Map<string, number[]>();
  for (const r of rows) {
    const list = byCreator.get(r.creatorId);
    if (list) list.push(r.rate);
    else byCreator.set(r.creatorId, [r.rate]);
  }
  const means = new Map([...byCreator].map(([id, rates]) => [id, mean(rates)]));
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    const m = means.get(r.creatorId)!;
    const floor = 0.05 * m + 1e-9;
    y[i] = Math.log((r.rate + floor) / (m + floor));
  });
  return { y, means };
}

const FEATURES = 24 + 7 + HOURS_OF_WEEK + POST_KINDS.length;
const OFFSETS = { hour: 0, weekday: 24, hourOfWeek: 31, kind: 31 + HOURS_OF_WEEK };

function flatten(w: TimesModelWeights): Float32Array {
  const flat = new Float32Array(FEATURES);
  flat.set(w.hour, OFFSETS.hour);
  flat.set(w.weekday, OFFSETS.weekday);
  flat.set(w.hourOfWeek, OFFSETS.hourOfWeek);
  flat.set(w.kind, OFFSETS.kind);
  return flat;
}

/**
 * Rows that share an hour of week and a kind share every feature, so the squared error over
 * the rows equals the count-weighted squared error over the cell means (plus a constant):
 * training runs on at most 168 × 4 cells whatever the number of posts.
 */
async function trainRows(
  rows: readonly Row[],
  prior: TimesModelWeights | null,
  o: ModelOptions,
): Promise<TimesModel> {
  await ensureCpuBackend();
  const started = performance.now();
  const lambda = o.lambda ?? DEFAULT_LAMBDA;
  const epochs = o.epochs ?? 120;
  const { y, means } = targets(rows);
  const n = rows.length;
  const cellOf = new Map<number, number>();
  const cellSum: number[] = [];
  const cellCount: number[] = [];
  const cellKey: [number, number][] = [];
  rows.forEach((r, i) => {
    const key = r.how * POST_KINDS.length + r.kind;
    let c = cellOf.get(key);
    if (c === undefined) {
      c = cellSum.length;
      cellOf.set(key, c);
      cellSum.push(0);
      cellCount.push(0);
      cellKey.push([r.how, r.kind]);
    }
    cellSum[c]! += y[i]!;
    cellCount[c]!++;
  });
  const m = cellSum.length;
  const x = new Float32Array(m * FEATURES);
  cellKey.forEach(([how, kind], c) => {
    x[c * FEATURES + OFFSETS.hour + (how % 24)] = 1;
    x[c * FEATURES + OFFSETS.weekday + Math.floor(how / 24)] = 1;
    x[c * FEATURES + OFFSETS.hourOfWeek + how] = 1;
    x[c * FEATURES + OFFSETS.kind + kind] = 1;
  });
  const penalty = new Float32Array(FEATURES);
  penalty.fill(lambda.hour / n, OFFSETS.hour, OFFSETS.weekday);
  penalty.fill(lambda.weekday / n, OFFSETS.weekday, OFFSETS.hourOfWeek);
  penalty.fill(lambda.hourOfWeek / n, OFFSETS.hourOfWeek, OFFSETS.kind);
  penalty.fill(lambda.kind / n, OFFSETS.kind, FEATURES);
  const priorFlat = prior ? flatten(prior) : new Float32Array(FEATURES);

  const X = tf.tensor2d(x, [m, FEATURES]);
  const yBar = tf.tensor2d(
    Float32Array.from(cellSum, (s, c) => s / cellCount[c]!),
    [m, 1],
  );
  const share = tf.tensor2d(
    Float32Array.from(cellCount, (count) => count / n),
    [m, 1],
  );
  const lam = tf.tensor2d(penalty, [FEATURES, 1]);
  const p0 = tf.tensor2d(priorFlat, [FEATURES, 1]);
  const w = tf.variable(tf.tensor2d(priorFlat, [FEATURES, 1]));
  const bias = tf.variable(tf.scalar(prior?.bias ?? 0));
  const optimizer = tf.train.adam(o.learningRate ?? 0.1);
  for (let e = 0; e < epochs; e++) {
    const cost = optimizer.minimize(
      () => {
        const err = tf.sub(tf.add(tf.matMul(X, w), bias), yBar);
        const fit = tf.sum(tf.mul(share, tf.square(err)));
        const reg = tf.sum(tf.mul(lam, tf.square(tf.sub(w, p0))));
        return tf.add(fit, reg) as TF.Scalar;
      },
      false,
      [w, bias],
    );
    cost?.dispose();
  }
  const flat = await w.data();
  const weights: TimesModelWeights = {
    bias: (await bias.data())[0]!,
    hour: Float32Array.from(flat.subarray(OFFSETS.hour, OFFSETS.weekday)),
    weekday: Float32Array.from(flat.subarray(OFFSETS.weekday, OFFSETS.hourOfWeek)),
    hourOfWeek: Float32Array.from(flat.subarray(OFFSETS.hourOfWeek, OFFSETS.kind)),
    kind: Float32Array.from(flat.subarray(OFFSETS.kind, FEATURES)),
  };
  optimizer.dispose();
  tf.dispose([X, yBar, share, lam, p0, w, bias]);
  // One account (the usual case): calibrate so the mean prediction matches the mean rate.
  const accountMean = mean(rows.map((r) => r.rate));
  const model: TimesModel = { weights, accountMean, calibration: 1, trainingMs: 0, posts: n };
  if (means.size === 1) {
    const predicted = mean(rows.map((r) => predictRate(model, r.how, r.kind)));
    model.calibration = predicted > 0 ? accountMean / predicted : 1;
  }
  model.trainingMs = performance.now() - started;
  return model;
}

function predictRate(model: TimesModel, how: number, kind: number): number {
  const w = model.weights;
  const log =
    w.bias + w.hour[how % 24]! + w.weekday[Math.floor(how / 24)]! + w.hourOfWeek[how]! + w.kind[kind]!;
  return model.accountMean * model.calibration * Math.exp(log);
}

/**
 * The agency's model for one platform: trained on every given post (each creator against its
 * own mean), used as the prior of each creator's model.
 */
export async function trainAgencyPrior(
  posts: readonly PostPerformance[],
  o: ModelOptions = {},
): Promise<TimesModel> {
  return trainRows(rowsOf(posts), null, o);
}

/** One account's model (one creator on one platform), pulled toward `prior` where thin. */
export async function trainTimesModel(
  posts: readonly PostPerformance[],
  prior: TimesModel | null = null,
  o: ModelOptions = {},
): Promise<TimesModel> {
  return trainRows(rowsOf(posts), prior?.weights ?? null, o);
}

/** Expected engagement rate of a post of `kind` at an hour of week, per the model. */
export function modelExpectedRate(model: TimesModel, at: HourOfWeek, kind: PostKind): number {
  return predictRate(model, at.weekday * 24 + at.hour, KIND_INDEX.get(kind) ?? 0);
}

// ---------------------------------------------------------------- recommendation

export interface PredictionErrors {
  /** Mean absolute error of the engagement rate on the held-out posts. */
  mae: number;
  rmse: number;
}

export interface TimesEvaluation {
  trainPosts: number;
  testPosts: number;
  /** First instant of the test part. */
  cutoff: Date | null;
  model: PredictionErrors | null;
  baseline: PredictionErrors | null;
  /** Predicting the account's mean for every post: the floor both should beat. */
  accountMean: PredictionErrors | null;
  shrinkageK: number;
}

export interface RecommendedTime extends HourOfWeek {
  expectedRate: number;
  /** expectedRate / the account's mean rate. */
  lift: number;
}

export interface TimesRecommendation {
  platform: PublishPlatform;
  kind: PostKind | null;
  used: 'model' | 'baseline';
  reason: 'model_better' | 'baseline_not_beaten' | 'too_few_posts';
  times: RecommendedTime[];
  /** Expected engagement rate, [weekday 0 = Sunday][hour], for the heatmap. */
  heatmap: number[][];
  accountMeanRate: number;
  evaluation: TimesEvaluation;
  /** Agency posts behind the prior (0: none). */
  priorPosts: number;
  /** Time spent training models for this recommendation (evaluation and refit). */
  trainingMs: number;
}

export interface RecommendTimesInput {
  platform: PublishPlatform;
  /** The creator's posts (other platforms are ignored). */
  history: readonly PostPerformance[];
  /** The agency's posts, other creators included (other platforms ignored): the prior. */
  agency?: readonly PostPerformance[];
  /** Content type to recommend for; null/absent: all types. */
  kind?: PostKind | null;
  /** Share of the latest posts held out. Default 0.2. */
  testFraction?: number;
  /** Default `SHRINKAGE_K`. */
  k?: number;
  /** Times returned. Default 5. */
  top?: number;
  /** A kind needs this many posts for the baseline to use only its posts. Default 30. */
  minKindPosts?: number;
  model?: ModelOptions;
}

function errors(predicted: readonly number[], actual: readonly number[]): PredictionErrors {
  let abs = 0;
  let sq = 0;
  actual.forEach((a, i) => {
    const d = predicted[i]! - a;
    abs += Math.abs(d);
    sq += d * d;
  });
  return { mae: abs / actual.length, rmse: Math.sqrt(sq / actual.length) };
}

export async function recommendTimes(input: RecommendTimesInput): Promise<TimesRecommendation> {
  const k = input.k ?? SHRINKAGE_K;
  const kind = input.kind ?? null;
  const history = input.history.filter((p) => p.platform === input.platform);
  const agency = (input.agency ?? []).filter((p) => p.platform === input.platform);
  const rows = rowsOf(history).sort((a, b) => a.at - b.at);
  const agencyRows = rowsOf(agency);
  let trainingMs = 0;
  const evaluation: TimesEvaluation = {
    trainPosts: rows.length,
    testPosts: 0,
    cutoff: null,
    model: null,
    baseline: null,
    accountMean: null,
    shrinkageK: k,
  };
  let used: TimesRecommendation['used'] = 'baseline';
  let reason: TimesRecommendation['reason'] = 'too_few_posts';
  if (rows.length >= MIN_POSTS_FOR_MODEL) {
    const split = Math.floor(rows.length * (1 - (input.testFraction ?? 0.2)));
    const train = rows.slice(0, split);
    const test = rows.slice(split);
    const cutoff = test[0]!.at;
    evaluation.trainPosts = train.length;
    evaluation.testPosts = test.length;
    evaluation.cutoff = new Date(cutoff);
    const baseline = fitBaselineRows(train, k);
    const prior = await priorBefore(agencyRows, cutoff, input.model);
    const model = await trainRows(train, prior?.weights ?? null, input.model ?? {});
    trainingMs += (prior?.trainingMs ?? 0) + model.trainingMs;
    const actual = test.map((r) => r.rate);
    evaluation.baseline = errors(
      test.map((r) => baseline.cells[r.how]!),
      actual,
    );
    evaluation.model = errors(
      test.map((r) => predictRate(model, r.how, r.kind)),
      actual,
    );
    evaluation.accountMean = errors(
      test.map(() => baseline.accountMean),
      actual,
    );
    if (test.length >= MIN_TEST_POSTS && evaluation.model.mae < evaluation.baseline.mae) {
      used = 'model';
      reason = 'model_better';
    } else reason = test.length >= MIN_TEST_POSTS ? 'baseline_not_beaten' : 'too_few_posts';
  }

  // The chosen method, refitted on every post, gives the heatmap.
  let heat: (how: number) => number;
  let accountMeanRate: number;
  let priorPosts = 0;
  if (used === 'model') {
    const prior = await priorBefore(agencyRows, Infinity, input.model);
    const model = await trainRows(rows, prior?.weights ?? null, input.model ?? {});
    trainingMs += (prior?.trainingMs ?? 0) + model.trainingMs;
    priorPosts = prior?.posts ?? 0;
    const kindIndex = kind ? KIND_INDEX.get(kind)! : null;
    // All types: the mean over the kinds the account actually posts, weighted by use.
    const kindShares = POST_KINDS.map((_, i) => rows.filter((r) => r.kind === i).length / rows.length);
    heat = (how) =>
      kindIndex !== null
        ? predictRate(model, how, kindIndex)
        : kindShares.reduce((s, share, i) => s + share * predictRate(model, how, i), 0);
    accountMeanRate = model.accountMean;
  } else {
    const ofKind = kind ? rows.filter((r) => r.kind === KIND_INDEX.get(kind)) : rows;
    const baseline = fitBaselineRows(ofKind.length >= (input.minKindPosts ?? 30) ? ofKind : rows, k);
    heat = (how) => baseline.cells[how]!;
    accountMeanRate = baseline.accountMean;
  }
  const expected = Array.from({ length: HOURS_OF_WEEK }, (_, how) => heat(how));
  const times = expected
    .map((rate, how) => ({
      ...howFromIndex(how),
      expectedRate: rate,
      lift: accountMeanRate > 0 ? rate / accountMeanRate : 0,
    }))
    .sort((a, b) => b.expectedRate - a.expectedRate)
    .slice(0, input.top ?? 5);
  const heatmap = Array.from({ length: 7 }, (_, d) => expected.slice(d * 24, d * 24 + 24));
  return {
    platform: input.platform,
    kind,
    used,
    reason,
    times,
    heatmap,
    accountMeanRate,
    evaluation,
    priorPosts,
    trainingMs,
  };
}

async function priorBefore(
  rows: readonly Row[],
  before: number,
  o: ModelOptions = {},
): Promise<TimesModel | null> {
  const pool = rows.filter((r) => r.at < before);
  return pool.length >= MIN_POSTS_FOR_MODEL ? trainRows(pool, null, o) : null;
}
