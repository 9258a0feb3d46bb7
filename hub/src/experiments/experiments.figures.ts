import { verdict, type ExperimentVariant, type Verdict } from '@velvet/shared';
import { figures } from '../quality/quality';
import type { VariantView } from './experiments.schema';

/** One finished draft of an experiment, as the figures read it. */
export interface ExperimentDraft {
  variant: string;
  conversationId: string;
  status: 'pending_approval' | 'auto_sent' | 'approved' | 'rejected' | 'blocked';
  text: string;
  editedText: string | null;
  /** Decided by a person (approved or rejected), not by the send policy. */
  byPerson: boolean;
}

/** Purchases in a conversation after the variant's first reply went out there. */
export interface ExperimentSale {
  variant: string;
  conversationId: string;
  currency: string | null;
  cents: number;
  purchases: number;
}

const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 1000 : null);

/**
 * A variant's figures: approval and edits over the drafts people decided (as the quality
 * figures count them), conversion and revenue over the conversations its replies reached.
 */
export function variantFigures(
  variant: ExperimentVariant,
  drafts: readonly ExperimentDraft[],
  sales: readonly ExperimentSale[],
): VariantView {
  const mine = drafts.filter((d) => d.variant === variant.key);
  const decided = mine.filter(
    (d): d is ExperimentDraft & { status: 'approved' | 'rejected' } =>
      d.byPerson && (d.status === 'approved' || d.status === 'rejected'),
  );
  const quality = figures(
    decided.map((d) => ({
      who: '',
      creatorId: '',
      conversationId: d.conversationId,
      status: d.status,
      draft: d.text,
      edited: d.editedText,
      replyMs: 0,
      converted: false,
    })),
  );
  const reached = mine.filter((d) => d.status === 'approved' || d.status === 'auto_sent');
  const conversations = new Set(reached.map((d) => d.conversationId));
  const bought = sales.filter(
    (s) => s.variant === variant.key && s.purchases > 0 && conversations.has(s.conversationId),
  );
  const revenue = new Map<string, number>();
  for (const sale of bought) revenue.set(sale.currency!, (revenue.get(sale.currency!) ?? 0) + sale.cents);
  const converted = new Set(bought.map((s) => s.conversationId)).size;
  return {
    key: variant.key,
    text: variant.text,
    weight: variant.weight,
    drafts: mine.length,
    blocked: mine.filter((d) => d.status === 'blocked').length,
    decided: quality.decided,
    approved: quality.approved,
    approvalRate: rate(quality.approved, quality.decided),
    approvedWithoutEdit: quality.approvedWithoutEdit,
    approvalWithoutEditRate: quality.approvalWithoutEditRate,
    editDistance: quality.editDistance,
    conversations: conversations.size,
    converted,
    conversion: rate(converted, conversations.size),
    revenue: [...revenue].map(([currency, cents]) => ({ currency, cents })),
  };
}

const present = (v: Verdict, minSample: number) => ({
  status: v.status,
  leader: v.status === 'not_enough_data' ? null : v.leader,
  pValue: v.status === 'not_enough_data' ? null : v.pValue,
  minSample,
});

/** Whether approval and conversion tell the variants apart yet. */
export function significance(variants: readonly VariantView[], minSample: number) {
  return {
    approval: present(
      verdict(
        variants.map((v) => ({ key: v.key, successes: v.approved, trials: v.decided })),
        minSample,
      ),
      minSample,
    ),
    conversion: present(
      verdict(
        variants.map((v) => ({ key: v.key, successes: v.converted, trials: v.conversations })),
        minSample,
      ),
      minSample,
    ),
  };
}
