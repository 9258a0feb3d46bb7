/** Colours for status and platform badges: text on tinted background, AA contrast. */
export const statusClass: Record<string, string> = {
  bot: 'bg-sky-100 text-sky-900',
  human: 'bg-emerald-100 text-emerald-900',
  escalated: 'bg-red-100 text-red-900',
  closed: 'bg-slate-200 text-slate-700',
};

export const platformClass: Record<string, string> = {
  telegram: 'bg-blue-100 text-blue-900',
  discord: 'bg-indigo-100 text-indigo-900',
  fanvue: 'bg-fuchsia-100 text-fuchsia-900',
  onlyfans: 'bg-cyan-100 text-cyan-900',
};

/** The calendar's chips: one colour per publishing platform, the same in every view. */
export const platformTint: Record<string, string> = {
  instagram: 'bg-pink-100 text-pink-900 ring-pink-300',
  tiktok: 'bg-teal-100 text-teal-900 ring-teal-300',
  x: 'bg-zinc-200 text-zinc-900 ring-zinc-400',
  bluesky: 'bg-sky-100 text-sky-900 ring-sky-300',
  onlyfans: 'bg-cyan-100 text-cyan-900 ring-cyan-300',
  sandbox: 'bg-amber-100 text-amber-900 ring-amber-300',
};

export function money(cents: number, currency: string, lang: string): string {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function time(iso: string, lang: string): string {
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(
    lang,
    sameDay ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' },
  ).format(date);
}
