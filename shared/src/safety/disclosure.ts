import { replyLanguage } from '../reply-language';
import type { VelvetConfig } from '../config/velvet-config';

export interface DisclosureCreator {
  market: string;
  disclosure: { enabled?: boolean; fr?: string; en?: string };
}

/**
 * The AI disclosure a fan must see with their first AI-drafted message (EU AI Act art. 50):
 * on by default in EU markets, per-creator switch and wording, French or English by the
 * fan's language. Undefined when it is off or the fan already received it.
 */
export function disclosureText(
  creator: DisclosureCreator,
  fan: { disclosedAt: Date | null; language: string | null },
  rules: Pick<VelvetConfig['safety'], 'disclosure' | 'disclosure_markets'>,
): string | undefined {
  if (fan.disclosedAt) return undefined;
  const enabled = creator.disclosure.enabled ?? rules.disclosure_markets.includes(creator.market);
  if (!enabled) return undefined;
  const lang = replyLanguage(undefined, fan.language);
  return creator.disclosure[lang] || rules.disclosure[lang];
}

/** Prepends the disclosure to an AI-drafted reply when it is due. */
export function withDisclosure(text: string, disclosure: string | undefined): string {
  return disclosure ? `${disclosure}\n\n${text}` : text;
}
