import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog, conversations, creators, fans, users } from '../schema';
import type { FollowUpRecord } from './follow-ups.repo';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'createdAt'>;

/** What Velvet did on its own (workers, platform callbacks): no person behind it. */
export type AutomationEntry = Omit<AuditEntry, 'actorId' | 'actorKind' | 'ip'>;

export interface ActivityFilter {
  /** Null: every creator and agency-wide entries (admins); else only these creators. */
  scope: readonly string[] | null;
  creatorId?: string;
  /** A user id, or `automation`. */
  actor?: string;
  actions?: readonly string[];
  from?: Date;
  to?: Date;
  /** Entries older than this id (the previous page's last). */
  before?: number;
  limit: number;
}

export const auditRepo = {
  async record(db: Db, entry: AuditEntry): Promise<void> {
    await db.insert(auditLog).values(entry);
  },

  async automation(db: Db, entry: AutomationEntry): Promise<void> {
    await db.insert(auditLog).values({ ...entry, actorId: null, actorKind: 'automation' });
  },

  /** Follow-ups that automation withdrew (the fan replied, bought, opted out…), one entry each. */
  async followUpsCancelled(db: Db, rows: readonly FollowUpRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await db.insert(auditLog).values(
      rows.map((row) => ({
        actorKind: 'automation' as const,
        action: 'followup.cancel',
        creatorId: row.creatorId,
        conversationId: row.conversationId,
        targetType: 'follow_up',
        targetId: row.id,
        data: { kind: row.kind, reason: row.cancelReason },
      })),
    );
  },

  async latest(db: Db, limit = 100) {
    return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
  },

  /**
   * One page of the log, newest first, with who and what named. Keyed on the id, so rows
   * written while someone pages appear above the first page, never twice nor skipped.
   */
  async list(db: Db, filter: ActivityFilter) {
    const where: (SQL | undefined)[] = [
      filter.scope === null
        ? undefined
        : filter.scope.length === 0
          ? sql`false`
          : inArray(auditLog.creatorId, [...filter.scope]),
      filter.creatorId ? eq(auditLog.creatorId, filter.creatorId) : undefined,
      filter.actor === 'automation'
        ? eq(auditLog.actorKind, 'automation')
        : filter.actor
          ? and(eq(auditLog.actorKind, 'user'), eq(auditLog.actorId, filter.actor))
          : undefined,
      filter.actions?.length ? inArray(auditLog.action, [...filter.actions]) : undefined,
      filter.from ? gte(auditLog.createdAt, filter.from) : undefined,
      filter.to ? lt(auditLog.createdAt, filter.to) : undefined,
      filter.before !== undefined ? lt(auditLog.id, filter.before) : undefined,
    ];
    return db
      .select({
        entry: auditLog,
        actorEmail: users.email,
        creatorName: creators.pseudonym,
        fanId: fans.id,
        fanName: fans.displayName,
        fanErased: fans.erasedAt,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .leftJoin(creators, eq(creators.id, auditLog.creatorId))
      .leftJoin(conversations, eq(conversations.id, auditLog.conversationId))
      .leftJoin(fans, eq(fans.id, conversations.fanId))
      .where(and(...where))
      .orderBy(desc(auditLog.id))
      .limit(filter.limit);
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
