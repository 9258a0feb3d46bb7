import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { outbox, satisfactionSurveys } from '../schema';

export type SatisfactionRecord = typeof satisfactionSurveys.$inferSelect;
export type NewSatisfaction = typeof satisfactionSurveys.$inferInsert;

export const satisfactionRepo = {
  /** Undefined when the fan already has a question waiting to go out. */
  async plan(db: Db, input: NewSatisfaction): Promise<SatisfactionRecord | undefined> {
    const [row] = await db.insert(satisfactionSurveys).values(input).onConflictDoNothing().returning();
    return row;
  },

  async findById(db: Db, id: string): Promise<SatisfactionRecord | undefined> {
    const [row] = await db.select().from(satisfactionSurveys).where(eq(satisfactionSurveys.id, id)).limit(1);
    return row;
  },

  /** A question went out to this fan since `since` (answered or not): the monthly cap. */
  async askedSince(db: Db, fanId: string, since: Date, except?: string): Promise<boolean> {
    const [row] = await db
      .select({ id: satisfactionSurveys.id })
      .from(satisfactionSurveys)
      .where(
        and(
          eq(satisfactionSurveys.fanId, fanId),
          gte(satisfactionSurveys.sentAt, since),
          except ? sql`${satisfactionSurveys.id} <> ${except}` : undefined,
        ),
      )
      .limit(1);
    return row !== undefined;
  },

  async markSent(db: Db, id: string, messageId: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(satisfactionSurveys)
      .set({ status: 'sent', questionMessageId: messageId, sentAt: at, updatedAt: at })
      .where(and(eq(satisfactionSurveys.id, id), eq(satisfactionSurveys.status, 'pending')))
      .returning({ id: satisfactionSurveys.id });
    return rows.length === 1;
  },

  /** Withdraws a question not sent yet and closes its outbox row, so the relay stops re-enqueueing it. */
  async cancel(db: Db, id: string, reason: string, at: Date): Promise<SatisfactionRecord | undefined> {
    const [row] = await db
      .update(satisfactionSurveys)
      .set({ status: 'cancelled', cancelReason: reason, updatedAt: at })
      .where(and(eq(satisfactionSurveys.id, id), eq(satisfactionSurveys.status, 'pending')))
      .returning();
    if (row) {
      await db
        .update(outbox)
        .set({ processedAt: at })
        .where(
          and(
            eq(outbox.topic, 'satisfaction.ask'),
            sql`${outbox.processedAt} is null`,
            inArray(sql`${outbox.payload}->>'surveyId'`, [id]),
          ),
        );
    }
    return row;
  },

  async postpone(db: Db, id: string, dueAt: Date): Promise<void> {
    await db
      .update(satisfactionSurveys)
      .set({ dueAt, updatedAt: new Date() })
      .where(and(eq(satisfactionSurveys.id, id), eq(satisfactionSurveys.status, 'pending')));
  },

  /** The question this fan may still answer in the conversation: the latest sent since `since`. */
  async awaitingAnswer(db: Db, conversationId: string, since: Date): Promise<SatisfactionRecord | undefined> {
    const [row] = await db
      .select()
      .from(satisfactionSurveys)
      .where(
        and(
          eq(satisfactionSurveys.conversationId, conversationId),
          eq(satisfactionSurveys.status, 'sent'),
          gte(satisfactionSurveys.sentAt, since),
        ),
      )
      .orderBy(desc(satisfactionSurveys.sentAt))
      .limit(1);
    return row;
  },

  /** The fan's score; false when the question was answered already (the first answer counts). */
  async answer(db: Db, id: string, score: number, messageId: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(satisfactionSurveys)
      .set({ status: 'answered', score, answerMessageId: messageId, answeredAt: at, updatedAt: at })
      .where(and(eq(satisfactionSurveys.id, id), eq(satisfactionSurveys.status, 'sent')))
      .returning({ id: satisfactionSurveys.id });
    return rows.length === 1;
  },
};
