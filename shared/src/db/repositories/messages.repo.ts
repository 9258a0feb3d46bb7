import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { prepareOnce } from '../prepared';
import type { Intent } from '../../domain';
import { conversations, messages } from '../schema';

export type MessageRecord = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;

async function byPlatformId(
  db: Db,
  accountId: string,
  platformMessageId: string,
  direction: 'in' | 'out',
): Promise<MessageRecord | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.accountId, accountId),
        eq(messages.platformMessageId, platformMessageId),
        eq(messages.direction, direction),
      ),
    )
    .limit(1);
  return row;
}

export const messagesRepo = {
  /** Per chat of the account, the platform id of the newest fan message stored. */
  async lastInboundPerChat(db: Db, accountId: string): Promise<Map<string, string>> {
    const rows = await db
      .selectDistinctOn([conversations.platformChatId], {
        chatId: conversations.platformChatId,
        platformMessageId: messages.platformMessageId,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.accountId, accountId),
          eq(messages.direction, 'in'),
          isNotNull(messages.platformMessageId),
        ),
      )
      .orderBy(conversations.platformChatId, desc(messages.createdAt));
    return new Map(rows.map((row) => [row.chatId, row.platformMessageId!]));
  },

  /** Returns the existing row when the idempotency key was used before, with `created: false`. */
  async insertOutbound(
    db: Db,
    input: NewMessage & { idempotencyKey: string },
  ): Promise<{ message: MessageRecord; created: boolean }> {
    const [row] = await db
      .insert(messages)
      .values({ ...input, status: 'queued' })
      .onConflictDoNothing({ target: messages.idempotencyKey })
      .returning();
    if (row) return { message: row, created: true };
    const [existing] = await db
      .select()
      .from(messages)
      .where(eq(messages.idempotencyKey, input.idempotencyKey))
      .limit(1);
    return { message: existing!, created: false };
  },

  /**
   * A fan's edit of an earlier message: the text (and files) replaced, `editedAt` set. Only a
   * newer edit applies, so a repeated or late delivery changes nothing ('stale'); 'missing'
   * when the edited message was never stored (sent before the account was connected).
   */
  async applyEdit(
    db: Db,
    input: {
      accountId: string;
      platformMessageId: string;
      text: string;
      attachments?: MessageRecord['attachments'];
      editedAt: Date;
    },
  ): Promise<{ applied: MessageRecord } | 'stale' | 'missing'> {
    const original = and(
      eq(messages.accountId, input.accountId),
      eq(messages.platformMessageId, input.platformMessageId),
      eq(messages.direction, 'in'),
    );
    const [row] = await db
      .update(messages)
      .set({
        text: input.text,
        editedAt: input.editedAt,
        ...(input.attachments ? { attachments: input.attachments } : {}),
      })
      .where(and(original, or(isNull(messages.editedAt), lt(messages.editedAt, input.editedAt))))
      .returning();
    if (row) return { applied: row };
    const [exists] = await db.select({ id: messages.id }).from(messages).where(original).limit(1);
    return exists ? 'stale' : 'missing';
  },

  /** A fan message by the platform's own id. */
  findInbound: (db: Db, accountId: string, platformMessageId: string) =>
    byPlatformId(db, accountId, platformMessageId, 'in'),

  /** A message Velvet sent on this account, by the id the platform gave it. */
  findOutbound: (db: Db, accountId: string, platformMessageId: string) =>
    byPlatformId(db, accountId, platformMessageId, 'out'),

  /** Whether the fan wrote in this conversation after `since`. */
  async fanWroteSince(db: Db, conversationId: string, since: Date): Promise<boolean> {
    const [row] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          eq(messages.direction, 'in'),
          gt(messages.createdAt, since),
        ),
      )
      .limit(1);
    return row !== undefined;
  },

  async findById(db: Db, id: string): Promise<MessageRecord | undefined> {
    const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
    return row;
  },

  /**
   * Whether a reply queued before this one (since `since`) in the same conversation is still
   * unsent: the fan must read replies in the order they were written.
   */
  async hasEarlierUnsent(
    db: Db,
    message: Pick<MessageRecord, 'id' | 'conversationId' | 'createdAt'>,
    since: Date,
  ): Promise<boolean> {
    const rows = await db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, message.conversationId),
          eq(messages.direction, 'out'),
          inArray(messages.status, ['queued', 'sending']),
          lt(messages.createdAt, message.createdAt),
          gt(messages.createdAt, since),
          ne(messages.id, message.id),
        ),
      )
      .limit(1);
    return rows.length === 1;
  },

  /**
   * Claims a queued message for one send attempt. False when it is no longer queued:
   * already sent, failed, or claimed by an attempt that never reported back.
   */
  async claimForSending(db: Db, id: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(messages)
      .set({ status: 'sending', sendingAt: at })
      .where(and(eq(messages.id, id), eq(messages.status, 'queued')))
      .returning({ id: messages.id });
    return rows.length === 1;
  },

  /** Back to queued after a failure the platform reported (so nothing was delivered). */
  async releaseClaim(db: Db, id: string, error: string): Promise<void> {
    await db
      .update(messages)
      .set({ status: 'queued', sendingAt: null, error })
      .where(and(eq(messages.id, id), eq(messages.status, 'sending')));
  },

  /** `text`: what the fan actually received, when it differs from the stored draft. */
  async markSent(db: Db, id: string, platformMessageId: string, at: Date, text?: string): Promise<void> {
    await db
      .update(messages)
      .set({
        status: 'sent',
        platformMessageId,
        sentAt: at,
        error: null,
        ...(text === undefined ? {} : { text }),
      })
      .where(eq(messages.id, id));
  },

  async markFailed(db: Db, id: string, status: 'failed' | 'unconfirmed', error: string): Promise<void> {
    await db.update(messages).set({ status, error }).where(eq(messages.id, id));
  },

  /** A failed reply that was sent again as a new message. */
  async markRetried(db: Db, id: string): Promise<void> {
    await db.update(messages).set({ status: 'retried' }).where(eq(messages.id, id));
  },

  async setIntent(db: Db, id: string, intent: Intent, confidence: number, lang: string): Promise<void> {
    await prepareOnce(db, 'message_set_intent', (on) =>
      on
        .update(messages)
        .set({
          intent: sql`${sql.placeholder('intent')}`,
          intentConfidence: sql`${sql.placeholder('confidence')}`,
          lang: sql`${sql.placeholder('lang')}`,
        })
        .where(eq(messages.id, sql.placeholder('id')))
        .prepare('message_set_intent'),
    ).execute({ id, intent, confidence, lang });
  },

  /** The last `limit` messages of a thread, oldest first. */
  async recent(db: Db, conversationId: string, limit: number): Promise<MessageRecord[]> {
    const rows = await prepareOnce(db, 'messages_recent', (on) =>
      on
        .select()
        .from(messages)
        .where(eq(messages.conversationId, sql.placeholder('conversationId')))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(sql.placeholder('limit'))
        .prepare('messages_recent'),
    ).execute({ conversationId, limit });
    return rows.reverse();
  },

  /** Oldest first, after an optional (createdAt, id) cursor. */
  async listByConversation(
    db: Db,
    conversationId: string,
    options: { after?: { at: Date; id: string }; limit: number },
  ): Promise<MessageRecord[]> {
    const after = options.after;
    return db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          after
            ? or(
                gt(messages.createdAt, after.at),
                and(eq(messages.createdAt, after.at), gt(messages.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(messages.createdAt), asc(messages.id))
      .limit(options.limit);
  },
};
