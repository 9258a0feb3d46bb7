import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { offers, promoCodes } from '../schema';

export type PromoCodeRecord = typeof promoCodes.$inferSelect;
export type NewPromoCode = typeof promoCodes.$inferInsert;

export const promoCodesRepo = {
  /** Undefined when the creator already has that code. */
  async create(db: Db, input: NewPromoCode): Promise<PromoCodeRecord | undefined> {
    const [row] = await db
      .insert(promoCodes)
      .values({ ...input, code: input.code.toUpperCase() })
      .onConflictDoNothing()
      .returning();
    return row;
  },

  async update(db: Db, id: string, update: Partial<NewPromoCode>): Promise<PromoCodeRecord | undefined> {
    const [row] = await db.update(promoCodes).set(update).where(eq(promoCodes.id, id)).returning();
    return row;
  },

  async findById(db: Db, id: string): Promise<PromoCodeRecord | undefined> {
    const [row] = await db.select().from(promoCodes).where(eq(promoCodes.id, id)).limit(1);
    return row;
  },

  async findByCode(db: Db, creatorId: string, code: string): Promise<PromoCodeRecord | undefined> {
    const [row] = await db
      .select()
      .from(promoCodes)
      .where(and(eq(promoCodes.creatorId, creatorId), eq(promoCodes.code, code.toUpperCase())))
      .limit(1);
    return row;
  },

  async listByCreator(db: Db, creatorId: string): Promise<PromoCodeRecord[]> {
    return db.select().from(promoCodes).where(eq(promoCodes.creatorId, creatorId));
  },

  /** Offers this fan already got with the code (paid or still open). */
  async usesByFan(db: Db, promoCodeId: string, fanId: string): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(offers)
      .where(
        and(
          eq(offers.promoCodeId, promoCodeId),
          eq(offers.fanId, fanId),
          sql`${offers.status} in ('open','paid')`,
        ),
      );
    return row?.n ?? 0;
  },

  /**
   * Takes one use of the code, atomically against its global limit; false when it is
   * exhausted, expired or inactive by now.
   */
  async consume(db: Db, id: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(promoCodes)
      .set({ uses: sql`${promoCodes.uses} + 1` })
      .where(
        and(
          eq(promoCodes.id, id),
          eq(promoCodes.active, true),
          sql`(${promoCodes.expiresAt} is null or ${promoCodes.expiresAt} > ${at.toISOString()})`,
          sql`(${promoCodes.maxUses} is null or ${promoCodes.uses} < ${promoCodes.maxUses})`,
        ),
      )
      .returning({ id: promoCodes.id });
    return rows.length === 1;
  },

  async release(db: Db, id: string): Promise<void> {
    await db
      .update(promoCodes)
      .set({ uses: sql`greatest(${promoCodes.uses} - 1, 0)` })
      .where(eq(promoCodes.id, id));
  },
};
