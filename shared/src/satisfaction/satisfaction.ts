import type { VelvetConfig } from '../config/velvet-config';
import type { Db } from '../db/client';
import { creatorsRepo, type CreatorRecord } from '../db/repositories/creators.repo';
import { fansRepo } from '../db/repositories/fans.repo';
import { outboxRepo } from '../db/repositories/outbox.repo';
import { satisfactionRepo, type SatisfactionRecord } from '../db/repositories/satisfaction.repo';
import type { SatisfactionTrigger } from '../domain';
import type { Effects } from '../effects';
import type { InboundMessage, InlineButton } from '../platform';
import { BUTTON_DATA } from '../presenters/message.presenter';

/** The cap is fixed: a fan gets at most one satisfaction question in this long. */
export const SATISFACTION_INTERVAL_MS = 30 * 24 * 3600 * 1000;

/** On unless the creator switched it off. */
export function satisfactionEnabled(
  creator: Pick<CreatorRecord, 'automation' | 'archivedAt'> | undefined,
): boolean {
  if (!creator || creator.archivedAt) return false;
  return creator.automation.satisfaction?.enabled !== false;
}

export interface PlanSatisfactionInput {
  trigger: SatisfactionTrigger;
  creatorId: string;
  conversationId: string;
  fanId: string;
  /** Who is credited with the score (the seller, the person who handled the conversation). */
  userId?: string | null;
  purchaseId?: string;
}

/**
 * Plans the question (a row plus its delayed job through the outbox). Nothing when the creator
 * turned it off, the fan already got one this month or has one waiting, or may not be asked
 * (opted out, flagged minor, muted). The job checks all of this again when it is due.
 */
export async function planSatisfaction(
  tx: Db,
  ctx: { config: Pick<VelvetConfig, 'satisfaction'>; now: () => Date },
  input: PlanSatisfactionInput,
  effects: Effects,
): Promise<SatisfactionRecord | undefined> {
  const now = ctx.now();
  const [creator, fan] = await Promise.all([
    creatorsRepo.findById(tx, input.creatorId),
    fansRepo.findById(tx, input.fanId),
  ]);
  if (!satisfactionEnabled(creator) || !fan) return undefined;
  if (fan.optedOutAt || fan.minorSignalAt || fan.mutedAt || fan.erasedAt) return undefined;
  if (await satisfactionRepo.askedSince(tx, fan.id, new Date(now.getTime() - SATISFACTION_INTERVAL_MS)))
    return undefined;
  const after =
    input.trigger === 'purchase'
      ? ctx.config.satisfaction.after_purchase
      : ctx.config.satisfaction.after_handled;
  const row = await satisfactionRepo.plan(tx, {
    trigger: input.trigger,
    creatorId: input.creatorId,
    conversationId: input.conversationId,
    fanId: input.fanId,
    userId: input.userId ?? null,
    purchaseId: input.purchaseId,
    dueAt: new Date(now.getTime() + after),
  });
  if (!row) return undefined;
  effects.jobs.push(
    await outboxRepo.insert(
      tx,
      { name: 'satisfaction.ask', data: { surveyId: row.id, dueAt: row.dueAt.getTime() } },
      { holdUntil: row.dueAt },
    ),
  );
  return row;
}

/**
 * The question in the fan's language, in the creator's own words when set: five buttons where
 * the platform has them, else the wording that asks for a typed number.
 */
export function satisfactionQuestion(
  config: Pick<VelvetConfig, 'satisfaction'>,
  creator: Pick<CreatorRecord, 'automation'>,
  lang: 'fr' | 'en',
  buttons: boolean,
): { text: string; keyboard?: InlineButton[][] } {
  const own = creator.automation.satisfaction?.[lang];
  if (!buttons) return { text: own ?? config.satisfaction.question_typed[lang] };
  return {
    text: own ?? config.satisfaction.question[lang],
    keyboard: [
      [1, 2, 3, 4, 5].map((score) => ({
        text: score === 5 ? '5 ⭐' : String(score),
        callbackData: `${BUTTON_DATA.ratePrefix}${score}`,
      })),
    ],
  };
}

const TYPED_SCORE = /^\s*([1-5])\s*(?:\/\s*5|sur\s*5|out of 5)?\s*[!.]*\s*$/i;
const STARS = /^\s*(⭐{1,5})\s*$/u;

/**
 * The score a fan's message gives, if it is one: a rating button, a number from 1 to 5 typed
 * alone ("4", "5/5", "3 sur 5"), or one to five stars. Anything else is an ordinary message.
 */
export function satisfactionScore(message: {
  kind: InboundMessage['kind'];
  text: string;
}): number | undefined {
  if (message.kind === 'callback') {
    if (!message.text.startsWith(BUTTON_DATA.ratePrefix)) return undefined;
    const score = Number(message.text.slice(BUTTON_DATA.ratePrefix.length));
    return Number.isInteger(score) && score >= 1 && score <= 5 ? score : undefined;
  }
  if (message.kind !== 'text') return undefined;
  const typed = TYPED_SCORE.exec(message.text);
  if (typed) return Number(typed[1]);
  const stars = STARS.exec(message.text);
  return stars ? [...stars[1]!].length : undefined;
}
