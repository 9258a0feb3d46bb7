import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../client';
import { platformAccounts } from '../schema';

export type AccountRecord = typeof platformAccounts.$inferSelect;

export const accountsRepo = {
  async create(
    db: Db,
    input: Pick<AccountRecord, 'creatorId' | 'platform' | 'label' | 'credentialsEnc' | 'settings'> & {
      id?: string;
    },
  ): Promise<AccountRecord> {
    const [row] = await db.insert(platformAccounts).values(input).returning();
    return row!;
  },

  async findById(db: Db, id: string): Promise<AccountRecord | undefined> {
    const [row] = await db.select().from(platformAccounts).where(eq(platformAccounts.id, id)).limit(1);
    return row;
  },

  async update(
    db: Db,
    id: string,
    patch: Partial<Pick<AccountRecord, 'label' | 'credentialsEnc' | 'settings' | 'status'>>,
  ): Promise<AccountRecord | undefined> {
    const [row] = await db.update(platformAccounts).set(patch).where(eq(platformAccounts.id, id)).returning();
    return row;
  },

  /**
   * Swaps the sealed credentials only if they are still `expected` (compare-and-set): a
   * refresh never overwrites a reconnect that happened meanwhile. False when they changed.
   */
  async replaceCredentials(db: Db, id: string, expected: string, next: string): Promise<boolean> {
    const rows = await db
      .update(platformAccounts)
      .set({ credentialsEnc: next })
      .where(and(eq(platformAccounts.id, id), eq(platformAccounts.credentialsEnc, expected)))
      .returning({ id: platformAccounts.id });
    return rows.length > 0;
  },

  /** Active → needs_attention; false when it already was (or is disconnected). */
  async markNeedsAttention(db: Db, id: string): Promise<boolean> {
    const rows = await db
      .update(platformAccounts)
      .set({ status: 'needs_attention' })
      .where(and(eq(platformAccounts.id, id), eq(platformAccounts.status, 'active')))
      .returning({ id: platformAccounts.id });
    return rows.length > 0;
  },

  async listByCreator(db: Db, creatorId: string): Promise<AccountRecord[]> {
    return db
      .select()
      .from(platformAccounts)
      .where(eq(platformAccounts.creatorId, creatorId))
      .orderBy(platformAccounts.createdAt);
  },

  /** Accounts still connected on these platforms (those whose bots hold a live connection). */
  async listConnected(db: Db, platforms: readonly AccountRecord['platform'][]): Promise<AccountRecord[]> {
    if (platforms.length === 0) return [];
    return db
      .select()
      .from(platformAccounts)
      .where(
        and(inArray(platformAccounts.platform, [...platforms]), ne(platformAccounts.status, 'disconnected')),
      );
  },
};
