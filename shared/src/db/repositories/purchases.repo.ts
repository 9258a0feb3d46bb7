import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { fans, packs, purchases } from '../schema';

export type PurchaseRecord = typeof purchases.$inferSelect;
export type NewPurchase = typeof purchases.$inferInsert;

export const purchasesRepo = {
  /** Idempotent on the provider's charge id: a repeated notification returns `created: false`. */
  async record(db: Db, input: NewPurchase): Promise<{ purchase: PurchaseRecord; created: boolean }> {
    const [row] = await db.insert(purchases).values(input).onConflictDoNothing().returning();
    if (row) return { purchase: row, created: true };
    const [existing] = await db
      .select()
      .from(purchases)
      .where(
        sql`${purchases.provider} = ${input.provider} and ${purchases.providerChargeId} = ${input.providerChargeId}`,
      )
      .limit(1);
    return { purchase: existing!, created: false };
  },

  async findByCharge(db: Db, provider: string, chargeId: string): Promise<PurchaseRecord | undefined> {
    const [row] = await db
      .select()
      .from(purchases)
      .where(sql`${purchases.provider} = ${provider} and ${purchases.providerChargeId} = ${chargeId}`)
      .limit(1);
    return row;
  },

  async findById(db: Db, id: string): Promise<PurchaseRecord | undefined> {
    const [row] = await db.select().from(purchases).where(eq(purchases.id, id)).limit(1);
    return row;
  },

  async markDelivered(db: Db, id: string, at: Date): Promise<void> {
    await db.update(purchases).set({ deliveredAt: at }).where(eq(purchases.id, id));
  },

  async listByFan(db: Db, fanId: string, limit = 50) {
    return db
      .select({ purchase: purchases, packName: packs.name })
      .from(purchases)
      .leftJoin(packs, eq(packs.id, purchases.packId))
      .where(eq(purchases.fanId, fanId))
      .orderBy(desc(purchases.createdAt))
      .limit(limit);
  },

  /** Adds a purchase to the fan's lifetime spend and history counters. */
  async addToFan(db: Db, fanId: string, amountCents: number, currency: string, at: Date): Promise<void> {
    await db
      .update(fans)
      .set({
        lifetimeSpendCents: sql`${fans.lifetimeSpendCents} + ${amountCents}`,
        spendCurrency: currency,
        purchaseCount: sql`${fans.purchaseCount} + 1`,
        lastPurchaseAt: at,
      })
      .where(eq(fans.id, fanId));
  },
};
