import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../client';
import { mediaAssets } from '../schema';

export type MediaAssetRecord = typeof mediaAssets.$inferSelect;
export type NewMediaAsset = typeof mediaAssets.$inferInsert;

export const mediaRepo = {
  /** Stores the asset, or returns the creator's existing one with the same bytes. */
  async createOrFind(db: Db, input: NewMediaAsset): Promise<{ asset: MediaAssetRecord; created: boolean }> {
    const [row] = await db.insert(mediaAssets).values(input).onConflictDoNothing().returning();
    if (row) return { asset: row, created: true };
    const [existing] = await db
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.creatorId, input.creatorId), eq(mediaAssets.sha256, input.sha256)))
      .limit(1);
    return { asset: existing!, created: false };
  },

  async findById(db: Db, id: string): Promise<MediaAssetRecord | undefined> {
    const [row] = await db.select().from(mediaAssets).where(eq(mediaAssets.id, id)).limit(1);
    return row;
  },

  /** Newest first, keyset-paginated on (created_at, id). */
  async listByCreator(
    db: Db,
    creatorId: string,
    options: { kind?: 'image' | 'video'; before?: { createdAt: Date; id: string }; limit: number },
  ): Promise<MediaAssetRecord[]> {
    const before = options.before;
    return db
      .select()
      .from(mediaAssets)
      .where(
        and(
          eq(mediaAssets.creatorId, creatorId),
          options.kind ? eq(mediaAssets.kind, options.kind) : undefined,
          before
            ? or(
                lt(mediaAssets.createdAt, before.createdAt),
                and(eq(mediaAssets.createdAt, before.createdAt), lt(mediaAssets.id, before.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(mediaAssets.createdAt), desc(mediaAssets.id))
      .limit(options.limit);
  },

  async updateAlt(db: Db, id: string, alt: string): Promise<MediaAssetRecord | undefined> {
    const [row] = await db.update(mediaAssets).set({ alt }).where(eq(mediaAssets.id, id)).returning();
    return row;
  },

  async delete(db: Db, id: string): Promise<MediaAssetRecord | undefined> {
    const [row] = await db.delete(mediaAssets).where(eq(mediaAssets.id, id)).returning();
    return row;
  },
};
