import { and, count, eq, isNull } from 'drizzle-orm';
import type { Role } from '../../domain';
import type { Db } from '../client';
import { userCreators, users } from '../schema';

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  disabledAt: Date | null;
  /** A temporary password from an admin's reset: it must be changed before anything else. */
  mustChangePassword: boolean;
  creatorIds: string[];
}

async function withScopes(db: Db, row: typeof users.$inferSelect | undefined) {
  if (!row) return undefined;
  const scopes = await db
    .select({ creatorId: userCreators.creatorId })
    .from(userCreators)
    .where(eq(userCreators.userId, row.id));
  return { ...row, creatorIds: scopes.map((s) => s.creatorId) };
}

export const usersRepo = {
  async findByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
    const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
    return withScopes(db, row);
  },

  async findById(db: Db, id: string): Promise<UserRecord | undefined> {
    const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
    return withScopes(db, row);
  },

  async count(db: Db): Promise<number> {
    const [row] = await db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  },

  /** Returns undefined when the email is taken. */
  async create(
    db: Db,
    input: { email: string; passwordHash: string; role: Role; creatorIds: string[] },
  ): Promise<UserRecord | undefined> {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: input.email, passwordHash: input.passwordHash, role: input.role })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!row) return undefined;
      if (input.creatorIds.length > 0) {
        await tx
          .insert(userCreators)
          .values(input.creatorIds.map((creatorId) => ({ userId: row.id, creatorId })));
      }
      return { ...row, creatorIds: [...input.creatorIds] };
    });
  },

  async list(db: Db): Promise<Omit<UserRecord, 'passwordHash'>[]> {
    const rows = await db
      .select({
        id: users.id,
        email: users.email,
        role: users.role,
        disabledAt: users.disabledAt,
        mustChangePassword: users.mustChangePassword,
      })
      .from(users)
      .orderBy(users.createdAt);
    const scopes = await db.select().from(userCreators);
    return rows.map((row) => ({
      ...row,
      role: row.role,
      creatorIds: scopes.filter((s) => s.userId === row.id).map((s) => s.creatorId),
    }));
  },

  /** A new password hash; `mustChange` marks a temporary one. False when there is no such user. */
  async setPassword(db: Db, id: string, passwordHash: string, mustChange: boolean): Promise<boolean> {
    const rows = await db
      .update(users)
      .set({ passwordHash, mustChangePassword: mustChange })
      .where(eq(users.id, id))
      .returning({ id: users.id });
    return rows.length === 1;
  },

  async addScope(db: Db, userId: string, creatorId: string): Promise<void> {
    await db.insert(userCreators).values({ userId, creatorId }).onConflictDoNothing();
  },

  /**
   * Changes role, scope or the disabled mark in one transaction. 'not_found' when there is no
   * such user; 'last_admin' (nothing changed) when it would leave no admin able to sign in.
   */
  async update(
    db: Db,
    id: string,
    change: { role?: Role; creatorIds?: string[]; disabledAt?: Date | null },
  ): Promise<UserRecord | 'not_found' | 'last_admin'> {
    return db.transaction(async (tx) => {
      if ((change.role !== undefined && change.role !== 'admin') || change.disabledAt) {
        // The active admins, locked: two admins demoting each other cannot both succeed.
        const admins = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
          .for('update');
        if (admins.length === 1 && admins[0]!.id === id) return 'last_admin' as const;
      }
      const set: Partial<typeof users.$inferInsert> = {};
      if (change.role !== undefined) set.role = change.role;
      if (change.disabledAt !== undefined) set.disabledAt = change.disabledAt;
      // Row-locked either way, so two concurrent changes to one user apply one after the other.
      const [row] =
        Object.keys(set).length > 0
          ? await tx.update(users).set(set).where(eq(users.id, id)).returning()
          : await tx.select().from(users).where(eq(users.id, id)).for('update');
      if (!row) return 'not_found' as const;
      if (change.creatorIds !== undefined) {
        await tx.delete(userCreators).where(eq(userCreators.userId, id));
        if (change.creatorIds.length > 0) {
          await tx
            .insert(userCreators)
            .values(change.creatorIds.map((creatorId) => ({ userId: id, creatorId })));
        }
      }
      return (await withScopes(tx as unknown as Db, row))!;
    });
  },
};
