import type { VelvetConfig } from '../config/velvet-config';
import type { Db } from '../db/client';
import { followUpsRepo, type FollowUpRecord } from '../db/repositories/follow-ups.repo';
import { creatorsRepo } from '../db/repositories/creators.repo';
import { outboxRepo } from '../db/repositories/outbox.repo';
import type { PackRecord } from '../db/repositories/packs.repo';
import type { Effects } from '../effects';
import { creatorAutomationRules } from './automation';
import { fillSalesTemplate, formatPrice } from './pricing';
import type { SalesContext, SalesLang as Lang } from './sales.context';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface PlanFollowUpInput {
  kind: FollowUpRecord['kind'];
  creatorId: string;
  conversationId: string;
  fanId: string;
  offerId?: string;
  packId?: string;
  dueAt: Date;
  /** The creator's weekly budget, when it overrides the config's. */
  budgetPerWeek?: number;
}

/**
 * A follow-up row plus its delayed job (through the outbox, held until due). Nothing when
 * the fan's weekly budget is spent or the offer already has one pending.
 */
export async function planFollowUp(
  tx: Db,
  ctx: SalesContext,
  input: PlanFollowUpInput,
  effects: Effects,
): Promise<FollowUpRecord | undefined> {
  const now = ctx.now();
  // A thank-you or a welcome is owed, not a nudge: outside the weekly budget.
  if (input.kind !== 'thank_you' && input.kind !== 'welcome') {
    const budget =
      input.budgetPerWeek ??
      creatorAutomationRules(await creatorsRepo.findById(tx, input.creatorId), ctx.config)
        .followUpBudgetPerWeek;
    const used = await followUpsRepo.budgetUsed(tx, input.fanId, new Date(now.getTime() - WEEK_MS));
    if (used >= budget) return undefined;
  }
  const row = await followUpsRepo.insert(tx, {
    kind: input.kind,
    creatorId: input.creatorId,
    conversationId: input.conversationId,
    fanId: input.fanId,
    offerId: input.offerId,
    packId: input.packId,
    dueAt: input.dueAt,
  });
  if (!row) return undefined;
  const job = await outboxRepo.insert(
    tx,
    { name: 'followup.send', data: { followUpId: row.id, dueAt: row.dueAt.getTime() } },
    { holdUntil: row.dueAt },
  );
  effects.followUps.push(row);
  effects.jobs.push(job);
  return row;
}

/** The text a due follow-up sends. */
export function followUpText(
  config: Pick<VelvetConfig, 'sales'>,
  followUp: Pick<FollowUpRecord, 'kind'>,
  pack: PackRecord | undefined,
  priceCents: number | undefined,
  lang: Lang,
): string {
  const sales = config.sales;
  const values = {
    pack: pack?.name ?? '',
    price: pack ? formatPrice(priceCents ?? pack.priceCents, pack.currency, lang) : '',
  };
  if (followUp.kind === 'thank_you') return fillSalesTemplate(sales.thank_you[lang], values);
  if (followUp.kind === 'welcome') return sales.welcome.message[lang];
  if (followUp.kind === 'suggestion') return fillSalesTemplate(sales.suggestion.message[lang], values);
  const entry = (pack && sales.follow_ups[pack.type as 'feet']) ?? sales.follow_ups.default!;
  return fillSalesTemplate(entry.message[lang], values);
}
