import { detectLang, type Lang } from './i18n';

const STORAGE_KEY = 'velvet.lang';

function initialLang(): Lang {
  try {
    const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // Storage may be disabled; the browser language decides.
  }
  return detectLang();
}

/** The UI language, shared by every view (each keeps its own strings, keyed by `locale.lang`). */
export const locale = $state<{ lang: Lang }>({ lang: initialLang() });

export function setLang(lang: Lang): void {
  locale.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered across reloads; still switched for this page.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function toggleLang(): void {
  setLang(locale.lang === 'fr' ? 'en' : 'fr');
}
