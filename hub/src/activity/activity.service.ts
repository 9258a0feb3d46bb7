import { auditRepo, can, type ActivityEntry, type ActivityQuery, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';

type Row = Awaited<ReturnType<typeof auditRepo.list>>[number];

/** What leaves the server of one entry: no address, and no fan named once erased. */
export function presentActivity(row: Row): ActivityEntry {
  const { entry } = row;
  return {
    id: String(entry.id),
    at: entry.createdAt.toISOString(),
    action: entry.action,
    actor: {
      kind: entry.actorKind,
      id: entry.actorKind === 'user' ? entry.actorId : null,
      email: entry.actorKind === 'user' ? (row.actorEmail ?? null) : null,
    },
    creatorId: entry.creatorId,
    creatorName: row.creatorName ?? null,
    conversationId: entry.conversationId,
    fan: row.fanId && !row.fanErased ? { id: row.fanId, name: row.fanName?.trim() || 'Fan' } : null,
    targetType: entry.targetType,
    targetId: entry.targetId,
    data: entry.data,
  };
}

/**
 * The activity log. Admins read all of it; managers only what concerns their creators
 * (never the agency-wide part: sign-ins, users, backups). Chatters and models do not read
 * it: it names colleagues' decisions, and what automation did reaches them as notifications.
 */
export function createActivityService(ctx: Pick<HubContext, 'db'>) {
  return {
    async list(actor: Actor, query: ActivityQuery) {
      authorize(actor, 'audit:read', query.creatorId ? { creatorId: query.creatorId } : undefined);
      const scope =
        actor.role === 'admin'
          ? null
          : actor.creatorIds.filter((id) => can(actor, 'audit:read', { creatorId: id }));
      const cursor = query.cursor ?? query.before;
      const rows = await auditRepo.list(ctx.db, {
        scope,
        creatorId: query.creatorId,
        actor: query.actor,
        actions: query.action,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        before: cursor ? Number(cursor) : undefined,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map(presentActivity),
        nextCursor: rows.length > query.limit ? String(page.at(-1)!.entry.id) : null,
      };
    },
  };
}
