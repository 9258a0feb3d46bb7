import type { PostKind } from '../publishing/planner';
import type { TimesRecommendation } from './best-times';
import type { BestContentType } from './content-type';
import type { HashtagReport } from './hashtags';
import type { MarketDetection } from './markets';

/**
 * Recommendations in plain words, as data: a key and its numbers. The UI formats them with
 * `formatRecommendation` (or its own i18n using the same keys and parameters). Platforms are
 * passed as their ids for the UI to name; weekdays as numbers (0 = Sunday).
 */
export type AnalyticsLocale = 'en' | 'fr';

export interface RecommendationMessage {
  key: RecommendationKey;
  params: Record<string, string | number>;
}

export const RECOMMENDATION_TEXTS = {
  en: {
    'times.best':
      'On {platform}, post on {weekdayName} around {hour}:00: expected engagement {liftPercent}% above your usual.',
    'times.model_better':
      'On {platform}, the model beat the simple hour-of-week average on your latest {testPosts} posts (average error {modelError} vs {baselineError} points), so its times are shown.',
    'times.baseline_not_beaten':
      'On {platform}, the model did not beat the simple hour-of-week average on your latest {testPosts} posts ({modelError} vs {baselineError} points), so the average is shown.',
    'times.too_few_posts':
      'On {platform}, too few posts yet to test the model: times are hour-of-week averages.',
    'hashtags.best': '#{hashtag} lifts engagement {liftPercent}% above your average ({posts} posts).',
    'hashtags.worst': '#{hashtag} does {dropPercent}% worse than your average ({posts} posts).',
    'hashtags.trending_proven': '#{hashtag} is trending and already works for you (+{liftPercent}%).',
    'hashtags.trending_untried': '#{hashtag} is trending and you have not tried it yet.',
    'content.strong':
      'On {platform}, {kindName} posts clearly do best: {liftPercent}% above your average ({posts} posts).',
    'content.moderate':
      'On {platform}, {kindName} posts seem to do best: {liftPercent}% above your average ({posts} posts).',
    'content.weak': 'On {platform}, {kindName} posts lead slightly ({liftPercent}%), not enough to be sure.',
    'content.insufficient': 'On {platform}, not enough posts of any type yet to compare.',
    'markets.primary': 'Your main market is {market} ({sharePercent}% of followers).',
    'markets.secondary': '{market} is a secondary market ({sharePercent}% of followers).',
    'markets.spread': 'Your followers are spread out: no country holds {thresholdPercent}% of them.',
  },
  fr: {
    'times.best':
      'Sur {platform}, publiez le {weekdayName} vers {hour} h : engagement attendu {liftPercent} % au-dessus de l’habitude.',
    'times.model_better':
      'Sur {platform}, le modèle a battu la simple moyenne par heure de la semaine sur vos {testPosts} derniers posts (erreur moyenne {modelError} contre {baselineError} points) : ses horaires sont affichés.',
    'times.baseline_not_beaten':
      'Sur {platform}, le modèle n’a pas battu la simple moyenne par heure de la semaine sur vos {testPosts} derniers posts ({modelError} contre {baselineError} points) : la moyenne est affichée.',
    'times.too_few_posts':
      'Sur {platform}, trop peu de posts pour tester le modèle : horaires tirés des moyennes par heure.',
    'hashtags.best':
      '#{hashtag} augmente l’engagement de {liftPercent} % par rapport à votre moyenne ({posts} posts).',
    'hashtags.worst': '#{hashtag} fait {dropPercent} % de moins que votre moyenne ({posts} posts).',
    'hashtags.trending_proven': '#{hashtag} est tendance et marche déjà pour vous (+{liftPercent} %).',
    'hashtags.trending_untried': '#{hashtag} est tendance et vous ne l’avez pas encore essayé.',
    'content.strong':
      'Sur {platform}, les {kindName} marchent nettement le mieux : {liftPercent} % au-dessus de votre moyenne ({posts} posts).',
    'content.moderate':
      'Sur {platform}, les {kindName} semblent marcher le mieux : {liftPercent} % au-dessus de votre moyenne ({posts} posts).',
    'content.weak':
      'Sur {platform}, les {kindName} sont un peu devant ({liftPercent} %), pas assez pour en être sûr.',
    'content.insufficient': 'Sur {platform}, pas encore assez de posts par type pour comparer.',
    'markets.primary': 'Votre marché principal : {market} ({sharePercent} % des abonnés).',
    'markets.secondary': '{market} est un marché secondaire ({sharePercent} % des abonnés).',
    'markets.spread': 'Vos abonnés sont dispersés : aucun pays n’en réunit {thresholdPercent} %.',
  },
} as const;

export type RecommendationKey = keyof (typeof RECOMMENDATION_TEXTS)['en'];

const WEEKDAYS = {
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
};
export const KIND_NAMES: Record<AnalyticsLocale, Record<PostKind, string>> = {
  en: { text: 'text', text_photo: 'text + photo', reel: 'reel/short', carousel: 'carousel' },
  fr: { text: 'textes', text_photo: 'textes + photo', reel: 'reels/shorts', carousel: 'carrousels' },
};

/** The sentence of a message in a locale; `platformName` names platform ids (default: the id). */
export function formatRecommendation(
  message: RecommendationMessage,
  locale: AnalyticsLocale,
  platformName: (id: string) => string = (id) => id,
): string {
  const params: Record<string, string | number> = { ...message.params };
  if (typeof params.weekday === 'number') params.weekdayName = WEEKDAYS[locale][params.weekday]!;
  if (typeof params.kind === 'string')
    params.kindName = KIND_NAMES[locale][params.kind as PostKind] ?? params.kind;
  if (typeof params.platform === 'string') params.platform = platformName(params.platform);
  return RECOMMENDATION_TEXTS[locale][message.key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

const percent = (ratio: number) => Math.round(ratio * 100);
/** Engagement-rate errors in percentage points, two decimals. */
const points = (rate: number) => Math.round(rate * 10_000) / 100;

export interface RecommendationInput {
  times?: readonly TimesRecommendation[];
  /** Best times given per platform. Default 3. */
  timesPerPlatform?: number;
  hashtags?: HashtagReport;
  /** Best and worst hashtags given. Default 3. */
  hashtagsShown?: number;
  contentTypes?: readonly BestContentType[];
  markets?: MarketDetection;
}

export function recommendationMessages(input: RecommendationInput): RecommendationMessage[] {
  const out: RecommendationMessage[] = [];
  for (const r of input.times ?? []) {
    const e = r.evaluation;
    if (r.reason === 'too_few_posts' || !e.model || !e.baseline) {
      out.push({ key: 'times.too_few_posts', params: { platform: r.platform } });
    } else {
      out.push({
        key: r.reason === 'model_better' ? 'times.model_better' : 'times.baseline_not_beaten',
        params: {
          platform: r.platform,
          testPosts: e.testPosts,
          modelError: points(e.model.mae),
          baselineError: points(e.baseline.mae),
        },
      });
    }
    for (const t of r.times.slice(0, input.timesPerPlatform ?? 3)) {
      if (t.lift <= 1) break;
      out.push({
        key: 'times.best',
        params: { platform: r.platform, weekday: t.weekday, hour: t.hour, liftPercent: percent(t.lift - 1) },
      });
    }
  }
  if (input.hashtags) {
    const shown = input.hashtagsShown ?? 3;
    const tags = input.hashtags.tags;
    for (const t of tags.filter((t) => t.lift > 1).slice(0, shown)) {
      out.push({
        key: 'hashtags.best',
        params: { hashtag: t.hashtag, liftPercent: percent(t.lift - 1), posts: t.posts },
      });
    }
    for (const t of tags
      .filter((t) => t.lift < 1)
      .slice(-shown)
      .reverse()) {
      out.push({
        key: 'hashtags.worst',
        params: { hashtag: t.hashtag, dropPercent: percent(1 - t.lift), posts: t.posts },
      });
    }
    for (const t of input.hashtags.trendingProven) {
      out.push({
        key: 'hashtags.trending_proven',
        params: { hashtag: t.hashtag, liftPercent: percent(t.lift - 1) },
      });
    }
    for (const tag of input.hashtags.trendingUntried)
      out.push({ key: 'hashtags.trending_untried', params: { hashtag: tag } });
  }
  for (const c of input.contentTypes ?? []) {
    const best = c.kinds.find((k) => k.kind === c.best);
    if (c.confidence === 'insufficient' || !best) {
      out.push({ key: 'content.insufficient', params: { platform: c.platform } });
    } else {
      out.push({
        key: `content.${c.confidence}`,
        params: {
          platform: c.platform,
          kind: best.kind,
          liftPercent: percent(best.lift - 1),
          posts: best.posts,
        },
      });
    }
  }
  if (input.markets) {
    const m = input.markets;
    if (!m.suggested.some((s) => s.role === 'primary') && m.totalFollowers > 0) {
      out.push({ key: 'markets.spread', params: { thresholdPercent: 30 } });
    }
    for (const s of m.suggested) {
      out.push({
        key: s.role === 'primary' ? 'markets.primary' : 'markets.secondary',
        params: { market: s.market, sharePercent: percent(s.share) },
      });
    }
  }
  return out;
}
