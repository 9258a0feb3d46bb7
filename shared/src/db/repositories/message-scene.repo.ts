import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { conversations, creators, fans, messages, platformAccounts } from '../schema';

function build(db: Db) {
  return db
    .select({
      message: messages,
      conversation: conversations,
      account: platformAccounts,
      fan: fans,
      creator: creators,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(platformAccounts, eq(platformAccounts.id, messages.accountId))
    .innerJoin(fans, eq(fans.id, conversations.fanId))
    .innerJoin(creators, eq(creators.id, conversations.creatorId))
    .where(eq(messages.id, sql.placeholder('id')))
    .limit(1)
    .prepare('message_scene');
}

/** Built once per database handle: drizzle assembles the SQL once, PostgreSQL plans it once per connection. */
const prepared = new WeakMap<Db, ReturnType<typeof build>>();

export type MessageScene = Awaited<ReturnType<ReturnType<typeof build>['execute']>>[number];

/**
 * What every job about a fan message reads first: the message, its conversation, account,
 * fan and creator, in one prepared statement instead of five queries.
 */
export const messageSceneRepo = {
  async load(db: Db, messageId: string): Promise<MessageScene | undefined> {
    let query = prepared.get(db);
    if (!query) {
      query = build(db);
      prepared.set(db, query);
    }
    const [row] = await query.execute({ id: messageId });
    return row;
  },
};
