import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { RefundKind } from '../../domain';
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

  /** Marks a purchase reversed once; `undefined` when it already was. */
  async markRefunded(db: Db, id: string, kind: RefundKind, at: Date): Promise<PurchaseRecord | undefined> {
    const [row] = await db
      .update(purchases)
      .set({ refundedAt: at, refundKind: kind })
      .where(and(eq(purchases.id, id), isNull(purchases.refundedAt)))
      .returning();
    return row;
  },

  /** Purchases of this fan that still stand (not refunded or charged back). */
  async countStanding(db: Db, fanId: string): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(purchases)
      .where(and(eq(purchases.fanId, fanId), isNull(purchases.refundedAt)));
    return Number(row?.n ?? 0);
  },

  /** Takes a reversed purchase back out of the fan's lifetime spend and purchase count. */
  async removeFromFan(db: Db, fanId: string, amountCents: number): Promise<void> {
    await db
      .update(fans)
      .set({
        lifetimeSpendCents: sql`greatest(${fans.lifetimeSpendCents} - ${amountCents}, 0)`,
        purchaseCount: sql`greatest(${fans.purchaseCount} - 1, 0)`,
      })
      .where(eq(fans.id, fanId));
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
