import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { creators, userCreators } from '../schema';

export type CreatorRecord = typeof creators.$inferSelect;
export type CreatorInput = Omit<typeof creators.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

export const creatorsRepo = {
  /** Creates the creator and, when given, puts it in that user's scope, atomically. */
  async create(db: Db, input: CreatorInput, scopeUserId?: string): Promise<CreatorRecord> {
    return db.transaction(async (tx) => {
      const [row] = await tx.insert(creators).values(input).returning();
      if (scopeUserId) await tx.insert(userCreators).values({ userId: scopeUserId, creatorId: row!.id });
      return row!;
    });
  },

  async findById(db: Db, id: string): Promise<CreatorRecord | undefined> {
    const [row] = await db.select().from(creators).where(eq(creators.id, id)).limit(1);
    return row;
  },

  /** `ids` undefined → every creator (admins); archived ones only when asked for. */
  async list(
    db: Db,
    ids?: readonly string[],
    archived: 'exclude' | 'only' | 'include' = 'include',
  ): Promise<CreatorRecord[]> {
    if (ids && ids.length === 0) return [];
    return db
      .select()
      .from(creators)
      .where(
        and(
          ids ? inArray(creators.id, [...ids]) : undefined,
          archived === 'exclude'
            ? isNull(creators.archivedAt)
            : archived === 'only'
              ? isNotNull(creators.archivedAt)
              : undefined,
        ),
      )
      .orderBy(creators.name, creators.id);
  },

  async existing(db: Db, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .select({ id: creators.id })
      .from(creators)
      .where(inArray(creators.id, [...ids]));
    return rows.map((r) => r.id);
  },

  async update(db: Db, id: string, patch: Partial<CreatorInput>): Promise<CreatorRecord | undefined> {
    const [row] = await db
      .update(creators)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(creators.id, id))
      .returning();
    return row;
  },
};
