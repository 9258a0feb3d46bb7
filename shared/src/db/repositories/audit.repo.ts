import { desc } from 'drizzle-orm';
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
};
