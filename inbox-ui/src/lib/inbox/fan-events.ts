import { formatMoney } from '$lib/approvals/cards';
import type { Lang } from '$lib/i18n';
import { buttonWords } from '$lib/intent-words';
import type { Message } from '../client';
import { fill, inboxText } from './i18n';

export type FanEvent = NonNullable<Message['event']>;

/** A subscription, tip or button press in words, the same in the thread and the list. */
export function fanEventWords(event: FanEvent, lang: Lang): string {
  const t = inboxText[lang];
  if (event.kind === 'button')
    return event.action === 'satisfaction' && event.score !== undefined
      ? fill(t.rated, { score: String(event.score) })
      : buttonWords(event.action, lang);
  if (event.kind === 'tip')
    return fill(t.tipped, { amount: formatMoney(event.amountCents, event.currency, lang) });
  return t.newSubscriber;
}
