import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { offers, packs } from '../schema';

export type PackRecord = typeof packs.$inferSelect;
export type NewPack = typeof packs.$inferInsert;

export const packsRepo = {
  async create(db: Db, input: NewPack): Promise<PackRecord> {
    const [row] = await db.insert(packs).values(input).returning();
    return row!;
  },

  async update(db: Db, id: string, update: Partial<NewPack>): Promise<PackRecord | undefined> {
    const [row] = await db
      .update(packs)
      .set({ ...update, updatedAt: new Date() })
      .where(eq(packs.id, id))
      .returning();
    return row;
  },

  async findById(db: Db, id: string): Promise<PackRecord | undefined> {
    const [row] = await db.select().from(packs).where(eq(packs.id, id)).limit(1);
    return row;
  },

  async listByCreator(db: Db, creatorId: string, options: { activeOnly?: boolean } = {}) {
    return db
      .select()
      .from(packs)
      .where(and(eq(packs.creatorId, creatorId), options.activeOnly ? eq(packs.active, true) : undefined))
      .orderBy(asc(packs.priceCents), asc(packs.createdAt));
  },

  /** Active packs a fan on `platform` may buy; an empty platform list means every platform. */
  async sellable(db: Db, creatorId: string, platform: string): Promise<PackRecord[]> {
    const rows = await packsRepo.listByCreator(db, creatorId, { activeOnly: true });
    return rows.filter((pack) => pack.platforms.length === 0 || pack.platforms.includes(platform));
  },

  /** Deletes a pack nobody was offered; false when offers reference it (deactivate it instead). */
  async deleteUnused(db: Db, id: string): Promise<'deleted' | 'in_use' | 'missing'> {
    const [used] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(offers)
      .where(eq(offers.packId, id));
    if ((used?.n ?? 0) > 0) return 'in_use';
    const rows = await db.delete(packs).where(eq(packs.id, id)).returning({ id: packs.id });
    return rows.length ? 'deleted' : 'missing';
  },
};
