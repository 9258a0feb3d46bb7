import { count, eq } from 'drizzle-orm';
import type { Role } from '../../domain';
import type { Db } from '../client';
import { userCreators, users } from '../schema';

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  disabledAt: Date | null;
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
      .select({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .orderBy(users.createdAt);
    const scopes = await db.select().from(userCreators);
    return rows.map((row) => ({
      ...row,
      role: row.role,
      creatorIds: scopes.filter((s) => s.userId === row.id).map((s) => s.creatorId),
    }));
  },

  async addScope(db: Db, userId: string, creatorId: string): Promise<void> {
    await db.insert(userCreators).values({ userId, creatorId }).onConflictDoNothing();
  },
};
