import { and, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { offers, packs, promoCodes } from '../schema';

export type OfferRecord = typeof offers.$inferSelect;
export type NewOffer = typeof offers.$inferInsert;

/** An offer with the names the inbox shows next to it. */
export interface OfferWithPack extends OfferRecord {
  packName: string;
  promoCode: string | null;
}

const withPack = {
  offer: offers,
  packName: packs.name,
  promoCode: promoCodes.code,
};

const flatten = (row: { offer: OfferRecord; packName: string; promoCode: string | null }): OfferWithPack => ({
  ...row.offer,
  packName: row.packName,
  promoCode: row.promoCode,
});

export const offersRepo = {
  /** Closes open offers of this fan whose time is up, so a new one can take their place. */
  async expireDue(db: Db, fanId: string, at: Date): Promise<OfferRecord[]> {
    return db
      .update(offers)
      .set({ status: 'expired', closedAt: at })
      .where(and(eq(offers.fanId, fanId), eq(offers.status, 'open'), lte(offers.expiresAt, at)))
      .returning();
  },

  /** The fan's open offer for this pack, if any. */
  async findOpen(db: Db, fanId: string, packId: string): Promise<OfferRecord | undefined> {
    const [row] = await db
      .select()
      .from(offers)
      .where(and(eq(offers.fanId, fanId), eq(offers.packId, packId), eq(offers.status, 'open')))
      .limit(1);
    return row;
  },

  /** Inserts unless the fan already has an open offer for the pack (then undefined). */
  async insertOpen(db: Db, input: NewOffer): Promise<OfferRecord | undefined> {
    const [row] = await db
      .insert(offers)
      .values({ ...input, status: 'open' })
      .onConflictDoNothing()
      .returning();
    return row;
  },

  async findById(db: Db, id: string): Promise<OfferRecord | undefined> {
    const [row] = await db.select().from(offers).where(eq(offers.id, id)).limit(1);
    return row;
  },

  async findWithPack(db: Db, id: string): Promise<OfferWithPack | undefined> {
    const [row] = await db
      .select(withPack)
      .from(offers)
      .innerJoin(packs, eq(packs.id, offers.packId))
      .leftJoin(promoCodes, eq(promoCodes.id, offers.promoCodeId))
      .where(eq(offers.id, id))
      .limit(1);
    return row && flatten(row);
  },

  async setCheckoutTokenHash(db: Db, id: string, hash: string): Promise<void> {
    await db.update(offers).set({ checkoutTokenHash: hash }).where(eq(offers.id, id));
  },

  async findByCheckoutTokenHash(db: Db, hash: string): Promise<OfferRecord | undefined> {
    const [row] = await db.select().from(offers).where(eq(offers.checkoutTokenHash, hash)).limit(1);
    return row;
  },

  /** A person approved the AI draft presenting this offer: its sale is theirs. */
  async creditTo(db: Db, id: string, userId: string): Promise<void> {
    await db
      .update(offers)
      .set({ offeredByUserId: userId })
      .where(and(eq(offers.id, id), isNull(offers.offeredByUserId)));
  },

  /**
   * Marks the offer paid. The platform has taken the money, so an offer that expired
   * meanwhile is paid too; false only when it was already paid (or cancelled).
   */
  async markPaid(db: Db, id: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(offers)
      .set({ status: 'paid', closedAt: at })
      .where(and(eq(offers.id, id), inArray(offers.status, ['open', 'expired'])))
      .returning({ id: offers.id });
    return rows.length === 1;
  },

  async cancel(db: Db, id: string, at: Date): Promise<OfferRecord | undefined> {
    const [row] = await db
      .update(offers)
      .set({ status: 'cancelled', closedAt: at })
      .where(and(eq(offers.id, id), eq(offers.status, 'open')))
      .returning();
    return row;
  },

  /** Withdraws every open offer of a fan (a minor signal stops all selling). */
  async cancelOpenForFan(db: Db, fanId: string, at: Date): Promise<OfferRecord[]> {
    return db
      .update(offers)
      .set({ status: 'cancelled', closedAt: at })
      .where(and(eq(offers.fanId, fanId), eq(offers.status, 'open')))
      .returning();
  },

  async listByConversation(db: Db, conversationId: string, limit = 50): Promise<OfferWithPack[]> {
    const rows = await db
      .select(withPack)
      .from(offers)
      .innerJoin(packs, eq(packs.id, offers.packId))
      .leftJoin(promoCodes, eq(promoCodes.id, offers.promoCodeId))
      .where(eq(offers.conversationId, conversationId))
      .orderBy(desc(offers.createdAt))
      .limit(limit);
    return rows.map(flatten);
  },

  /** Packs this fan has bought (to suggest another one). */
  async paidPackIds(db: Db, fanId: string): Promise<string[]> {
    const rows = await db
      .select({ packId: offers.packId })
      .from(offers)
      .where(and(eq(offers.fanId, fanId), eq(offers.status, 'paid')));
    return rows.map((r) => r.packId);
  },

  async countSince(db: Db, creatorId: string | undefined, since: Date): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(offers)
      .where(
        and(
          creatorId ? eq(offers.creatorId, creatorId) : undefined,
          sql`${offers.createdAt} >= ${since.toISOString()}`,
        ),
      );
    return row?.n ?? 0;
  },
};
