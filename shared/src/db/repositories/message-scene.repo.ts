import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { prepareOnce } from '../prepared';
import type { ExperimentVariant, Guidance } from '../../experiments/experiment';
import {
  conversations,
  creators,
  drafts,
  experiments,
  fans,
  intentGuidance,
  messages,
  platformAccounts,
} from '../schema';
import { fanContextJson, parseFanContext, type FanContextRow, type FanContextRows } from './fan-context.repo';

const sceneFields = {
  message: messages,
  conversation: conversations,
  account: platformAccounts,
  fan: fans,
  creator: creators,
};

function build(db: Db) {
  return db
    .select(sceneFields)
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(platformAccounts, eq(platformAccounts.id, messages.accountId))
    .innerJoin(fans, eq(fans.id, conversations.fanId))
    .innerJoin(creators, eq(creators.id, conversations.creatorId))
    .where(eq(messages.id, sql.placeholder('id')))
    .limit(1)
    .prepare('message_scene');
}

/** Purchases the drafting prompt lists (the others are counted). */
const CONTEXT_PURCHASES = 10;

/** The prompt's standing guidance and running experiment for the message's intent. */
export interface DraftPrompting {
  guidance?: Guidance;
  experiment?: { id: string; mode: Guidance['mode']; variants: ExperimentVariant[] };
}

/** The intent a draft is written for (an unclassified message drafts as `other`). */
const draftIntent = sql`coalesce(${messages.intent}, 'other')`;

/**
 * The scene, with what only the draft job needs: the fan's context, whether a draft already
 * finished, and the creator's guidance and running experiment for the message's intent.
 */
function buildForDraft(db: Db) {
  return db
    .select({
      ...sceneFields,
      // A worker killed after committing but before BullMQ recorded the job: the work is done.
      finished: sql<boolean>`exists (select 1 from ${drafts}
        where ${drafts.conversationId} = ${messages.conversationId} and ${drafts.messageId} = ${messages.id}
          and ${drafts.status} in ('pending_approval', 'auto_sent', 'approved', 'rejected', 'blocked'))`,
      context: sql<FanContextRow>`${fanContextJson(sql`${fans.id}`, CONTEXT_PURCHASES)}`,
      guidance: sql<Guidance | null>`(select json_build_object('mode', g.mode, 'text', g.text)
        from ${intentGuidance} g where g.creator_id = ${conversations.creatorId} and g.intent = ${draftIntent})`,
      experiment: sql<
        DraftPrompting['experiment'] | null
      >`(select json_build_object('id', e.id, 'mode', e.mode, 'variants', e.variants)
        from ${experiments} e where e.creator_id = ${conversations.creatorId} and e.intent = ${draftIntent}
          and e.status = 'running' limit 1)`,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(platformAccounts, eq(platformAccounts.id, messages.accountId))
    .innerJoin(fans, eq(fans.id, conversations.fanId))
    .innerJoin(creators, eq(creators.id, conversations.creatorId))
    .where(eq(messages.id, sql.placeholder('id')))
    .limit(1)
    .prepare('draft_scene');
}

export type MessageScene = Awaited<ReturnType<ReturnType<typeof build>['execute']>>[number];

/**
 * What every job about a fan message reads first: the message, its conversation, account,
 * fan and creator, in one prepared statement instead of five queries.
 */
export const messageSceneRepo = {
  async load(db: Db, messageId: string): Promise<MessageScene | undefined> {
    const [row] = await prepareOnce(db, 'message_scene', build).execute({ id: messageId });
    return row;
  },

  /**
   * The scene of a draft, in one statement instead of five: the same rows, the fan's
   * purchases and open offers (the prompt's context), whether a draft for this message
   * already finished, and the intent's standing guidance and running experiment.
   */
  async loadForDraft(
    db: Db,
    messageId: string,
  ): Promise<
    (MessageScene & { finished: boolean; context: FanContextRows; prompting: DraftPrompting }) | undefined
  > {
    const [row] = await prepareOnce(db, 'draft_scene', buildForDraft).execute({ id: messageId });
    if (!row) return;
    const { guidance, experiment, ...rest } = row;
    return {
      ...rest,
      context: parseFanContext(row.context),
      prompting: { ...(guidance ? { guidance } : {}), ...(experiment ? { experiment } : {}) },
    };
  },
};
