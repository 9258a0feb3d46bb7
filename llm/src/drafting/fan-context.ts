import { formatPrice } from '@velvet/shared';

/** A recalled memory: a past message or a fact about the fan, most relevant first. */
export interface Recollection {
  text: string;
  /** Who said it; `fact` for what operators noted. */
  from: 'fan' | 'creator' | 'fact';
  at: Date;
}

/** What the prompt may know about the fan, besides the thread itself. */
export interface FanContext {
  subscriptionLevel: string | null;
  tags: string[];
  notes: string;
  /** The fan's profile fields that read as preferences (scalars only). */
  preferences: [string, string | number | boolean][];
  lastSeenAt: Date | null;
  lifetimeSpend: { cents: number; currency: string };
  purchaseCount: number;
  /** Newest first. */
  purchases: {
    packName: string | null;
    amountCents: number;
    currency: string;
    refunded: boolean;
    at: Date;
  }[];
  openOffers: { packName: string; priceCents: number; currency: string; expiresAt: Date }[];
  /** Most relevant first. */
  memories: Recollection[];
}

/** About four characters a token, the usual estimate for Latin-script text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Whole sentences (never a piece of one): "A. B! C" → ["A.", "B!", "C"]. */
export function sentences(text: string): string[] {
  return (text.match(/[^.!?…\n]+(?:[.!?…]+|$)/gmu) ?? []).map((s) => s.trim()).filter(Boolean);
}

const WORDS = {
  fr: {
    title: 'Ce que tu sais de {fan} (contexte, ne le récite pas) :',
    subscription: 'Abonnement : {v}',
    tags: 'Étiquettes : {v}',
    lastSeen: 'Dernière activité : {v}',
    spend: 'Achats : {n} pour {v} au total',
    noPurchase: 'Achats : aucun pour l’instant',
    purchase: 'A acheté « {v} » ({p}) {when}',
    refunded: ', remboursé',
    earlier: '{n} achat(s) plus ancien(s), {v} au total',
    offer: 'Offre en attente : « {v} » à {p}, jusqu’au {when}',
    notes: 'Notes de l’équipe :',
    moreNotes: '(et {n} phrase(s) de notes plus ancienne(s), non reprises)',
    preference: 'Préférence — {k} : {v}',
    memories: 'Souvenirs de conversations passées (les plus pertinents) :',
    said: { fan: '{fan} a dit', creator: 'Tu as dit', fact: 'Note' },
    memory: '{who} ({when}) : « {v} »',
    today: 'aujourd’hui',
    yesterday: 'hier',
    daysAgo: 'il y a {n} jours',
  },
  en: {
    title: 'What you know about {fan} (context, do not recite it):',
    subscription: 'Subscription: {v}',
    tags: 'Tags: {v}',
    lastSeen: 'Last active: {v}',
    spend: 'Purchases: {n}, {v} in all',
    noPurchase: 'Purchases: none yet',
    purchase: 'Bought "{v}" ({p}) {when}',
    refunded: ', refunded',
    earlier: '{n} earlier purchase(s), {v} in all',
    offer: 'Open offer: "{v}" at {p}, until {when}',
    notes: 'Team notes:',
    moreNotes: '(and {n} older sentence(s) of notes, left out)',
    preference: 'Preference — {k}: {v}',
    memories: 'Memories from past conversations (most relevant):',
    said: { fan: '{fan} said', creator: 'You said', fact: 'Note' },
    memory: '{who} ({when}): "{v}"',
    today: 'today',
    yesterday: 'yesterday',
    daysAgo: '{n} days ago',
  },
} as const;

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
}

/**
 * A section of the context: lines most important (newest, most relevant) first. Lines that
 * do not fit the budget are replaced by `summary(dropped)` when there is one.
 */
interface Section {
  heading?: string;
  lines: string[];
  /** Shown oldest first (the lines come newest first, as they are kept). */
  oldestFirst?: boolean;
  summary?: (dropped: number) => string | undefined;
}

/**
 * The fan's context as a block of whole lines in the fan's language, within `budgetTokens`
 * (estimated). Sections go in order of importance — who the fan is, open offers, notes,
 * preferences, purchases, memories — and within each the newest or most relevant first; what
 * does not fit is summarised in one line ("3 earlier purchases, €45 in all") or left out,
 * never cut mid-sentence. Empty when nothing is known.
 */
export function renderFanContext(
  context: FanContext,
  options: { lang: 'fr' | 'en'; fanName: string; now: Date; budgetTokens: number },
): string {
  const w = WORDS[options.lang];
  const lang = options.lang;
  const fan = options.fanName || 'Fan';
  const when = (date: Date) => {
    const days = Math.floor((startOfDay(options.now) - startOfDay(date)) / 86_400_000);
    return days <= 0 ? w.today : days === 1 ? w.yesterday : fill(w.daysAgo, { n: days });
  };
  const price = (cents: number, currency: string) => formatPrice(cents, currency, lang);

  const who: string[] = [];
  if (context.subscriptionLevel) who.push(fill(w.subscription, { v: context.subscriptionLevel }));
  if (context.tags.length) who.push(fill(w.tags, { v: context.tags.join(', ') }));
  if (context.lastSeenAt) who.push(fill(w.lastSeen, { v: when(context.lastSeenAt) }));
  who.push(
    context.purchaseCount > 0
      ? fill(w.spend, {
          n: context.purchaseCount,
          v: price(context.lifetimeSpend.cents, context.lifetimeSpend.currency),
        })
      : w.noPurchase,
  );

  const offers = context.openOffers.map((o) =>
    fill(w.offer, {
      v: o.packName,
      p: price(o.priceCents, o.currency),
      when: o.expiresAt.toISOString().slice(0, 10),
    }),
  );

  // Notes are written oldest first: the newest sentences are the ones kept.
  const noteSentences = sentences(context.notes).reverse();

  const preferences = context.preferences.map(([k, v]) => fill(w.preference, { k, v: String(v) }));

  const purchases = context.purchases.map(
    (p) =>
      fill(w.purchase, { v: p.packName ?? '—', p: price(p.amountCents, p.currency), when: when(p.at) }) +
      (p.refunded ? w.refunded : ''),
  );
  // The purchases not listed (older than the loaded ones, or left out for the budget).
  const unlisted = Math.max(0, context.purchaseCount - context.purchases.length);
  const purchaseSummary = (dropped: number) => {
    const n = dropped + unlisted;
    if (n <= 0) return undefined;
    const listedKept = context.purchases.slice(0, context.purchases.length - dropped);
    const keptCents = listedKept.filter((p) => !p.refunded).reduce((sum, p) => sum + p.amountCents, 0);
    const rest = Math.max(0, context.lifetimeSpend.cents - keptCents);
    return fill(w.earlier, { n, v: price(rest, context.lifetimeSpend.currency) });
  };

  const memories = context.memories.map((m) =>
    fill(w.memory, {
      who: fill(w.said[m.from], { fan }),
      when: when(m.at),
      v: m.text.replace(/\s+/g, ' ').trim(),
    }),
  );

  const sections: Section[] = [
    { lines: who },
    { lines: offers },
    {
      heading: w.notes,
      lines: noteSentences,
      oldestFirst: true,
      summary: (dropped) => (dropped > 0 ? fill(w.moreNotes, { n: dropped }) : undefined),
    },
    { lines: preferences },
    { lines: purchases, summary: purchaseSummary },
    { heading: w.memories, lines: memories },
  ];
  return fitSections(fill(w.title, { fan }), sections, options.budgetTokens);
}

function startOfDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** Whole lines, in order, while the estimate stays within the budget; summaries for the rest. */
function fitSections(title: string, sections: Section[], budgetTokens: number): string {
  const out: string[] = [title];
  let used = estimateTokens(title) + 1;
  const fits = (line: string) => used + estimateTokens(line) + 1 <= budgetTokens;
  const add = (line: string) => {
    out.push(line);
    used += estimateTokens(line) + 1;
  };
  for (const section of sections) {
    if (section.lines.length === 0) continue;
    const bullet = section.heading ? '  - ' : '- ';
    if (section.heading) {
      if (!fits(section.heading)) break;
      add(section.heading);
    }
    const kept: string[] = [];
    for (const line of section.lines) {
      if (!fits(`${bullet}${line}`)) break;
      used += estimateTokens(`${bullet}${line}`) + 1;
      kept.push(`${bullet}${line}`);
    }
    let summary = section.summary?.(section.lines.length - kept.length);
    // The summary of what was left out takes the place of kept lines if it must.
    while (summary && !fits(`${bullet}${summary}`) && kept.length > 0) {
      used -= estimateTokens(kept.pop()!) + 1;
      summary = section.summary?.(section.lines.length - kept.length);
    }
    const shown = section.oldestFirst ? kept.reverse() : kept;
    // An older summary goes before the lines it precedes in time, else after them.
    if (summary && section.oldestFirst && fits(`${bullet}${summary}`)) add(`${bullet}${summary}`);
    out.push(...shown);
    if (summary && !section.oldestFirst && fits(`${bullet}${summary}`)) add(`${bullet}${summary}`);
    if (section.heading && kept.length === 0 && out.at(-1) === section.heading) {
      out.pop();
      used -= estimateTokens(section.heading) + 1;
    }
  }
  return out.length > 1 ? out.join('\n') : '';
}
