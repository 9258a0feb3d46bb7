/** The language to answer a fan in: what their message is written in, else their platform language. */
export function replyLanguage(
  detected: string | null | undefined,
  fanLanguage: string | null | undefined,
): 'fr' | 'en' {
  if (detected === 'fr' || detected === 'en') return detected;
  return fanLanguage?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}
