import { z } from 'zod';
import { attachmentResponse } from '@velvet/shared/contract';

const iso = z.string();

export const approvalCardSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  platform: z.string(),
  fanName: z.string(),
  fanMessages: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      attachments: z.array(attachmentResponse).optional(),
      createdAt: iso,
    }),
  ),
  text: z.string(),
  intent: z.string().nullable(),
  status: z.string(),
  reasons: z.array(z.string()),
  createdAt: iso,
  waitingSince: iso,
  ageSeconds: z.number(),
});
export type ApprovalCard = z.output<typeof approvalCardSchema>;

export const approvalListSchema = z.object({ drafts: z.array(approvalCardSchema) });
export const approvalOneSchema = z.object({ draft: approvalCardSchema });

export const approvalStatsSchema = z.object({
  pending: z.number(),
  /** Of `pending`, those held by the checks. */
  held: z.number().default(0),
  oldestPendingSince: iso.nullable(),
  approvedByMe: z.number(),
  rejectedByMe: z.number(),
  medianResponseMs: z.number().nullable(),
  replies: z.number(),
  sales: z.array(z.object({ currency: z.string(), amountCents: z.number(), count: z.number() })),
});
export type ApprovalStats = z.output<typeof approvalStatsSchema>;

/** Oldest wait first: whoever has waited longest is answered first. */
function byWait(a: ApprovalCard, b: ApprovalCard): number {
  return a.waitingSince < b.waitingSince ? -1 : a.waitingSince > b.waitingSince ? 1 : a.id < b.id ? -1 : 1;
}

/** Adds or replaces a card (a refetch after `draft:done`), keeping the order. */
export function upsertCard(cards: readonly ApprovalCard[], card: ApprovalCard): ApprovalCard[] {
  // Ready or held by the checks: both wait for a person.
  if (card.status !== 'pending_approval' && card.status !== 'blocked') return removeCard(cards, card.id);
  return [...cards.filter((c) => c.id !== card.id), card].sort(byWait);
}

/** Approved, rejected or superseded, by anyone: the card goes. */
export function removeCard(cards: readonly ApprovalCard[], draftId: string): ApprovalCard[] {
  return cards.some((c) => c.id === draftId) ? cards.filter((c) => c.id !== draftId) : [...cards];
}

/** A fresh list from the server replaces everything (after a reconnect that lost events). */
export function replaceCards(list: readonly ApprovalCard[]): ApprovalCard[] {
  return list.filter((c) => c.status === 'pending_approval').sort(byWait);
}

/** `#draft-<id>` → the id, for a notification that opens one card. */
export function draftIdFromHash(hash: string): string | null {
  const match = /^#draft-([0-9a-f-]{36})$/i.exec(hash);
  return match ? match[1]!.toLowerCase() : null;
}

/** "45 s", "3 min", "1 h 05" — short enough for a phone. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')}`;
  return `${Math.floor(h / 24)} d`;
}

export function formatMoney(cents: number, currency: string, lang: string): string {
  try {
    return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-US', { style: 'currency', currency }).format(
      cents / 100,
    );
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** Local midnight, the start of "today" for the user's own figures. */
export function startOfToday(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** ISO with the local offset, as the stats route wants it. */
export function isoWithOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
    `${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
