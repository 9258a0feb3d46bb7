import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'createdAt'>;

export const auditRepo = {
  async record(db: Db, entry: AuditEntry): Promise<void> {
    await db.insert(auditLog).values(entry);
  },

  async latest(db: Db, limit = 100) {
    return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
  },

  /** The newest entry whose action is one of these, or null. */
  async newestOf(db: Db, actions: string[]) {
    const [row] = await db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, actions))
      .orderBy(desc(auditLog.id))
      .limit(1);
    return row ?? null;
  },

  /** The newest entry of one action for each of these targets (target id → entry). */
  async latestFor(db: Db, action: string, targetIds: string[]) {
    const latest = new Map<string, typeof auditLog.$inferSelect>();
    if (targetIds.length === 0) return latest;
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), inArray(auditLog.targetId, targetIds)))
      .orderBy(desc(auditLog.id));
    for (const row of rows) if (row.targetId && !latest.has(row.targetId)) latest.set(row.targetId, row);
    return latest;
  },
};
